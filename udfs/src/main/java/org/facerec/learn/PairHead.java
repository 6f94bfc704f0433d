package org.facerec.learn;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.facerec.eval.Calibration;
import org.facerec.eval.PairDistances;
import org.facerec.eval.VerificationMetrics;

/**
 * The learned same-person head: verification as binary classification on a pair of encodings,
 * as the design this project follows teaches it (and DeepFace, Taigman et al. 2014, section
 * 4.2): {@code p_same = sigma(sum_k w_k phi_k(f(i), f(j)) + b)}, one logistic unit over a
 * per-component feature of the pair, with
 * <ul>
 *   <li>{@link Kind#LOGISTIC}: {@code phi_k = |f_k(i) - f_k(j)|};
 *   <li>{@link Kind#CHI2}: {@code phi_k = (f_k(i) - f_k(j))^2 / (|f_k(i)| + |f_k(j)|)}, the
 *       chi-squared term. The textbook form divides by {@code f_k(i) + f_k(j)}, which assumes
 *       non-negative features (DeepFace's come after a ReLU); dlib's encodings have negative
 *       components, where that denominator is zero or negative and the term undefined or of the
 *       wrong sign. Dividing by the sum of magnitudes keeps it defined and non-negative: it is
 *       the textbook term wherever both components are positive, the chi-squared term of the
 *       magnitudes where both are negative, and {@code |f_k(i) - f_k(j)|} where the signs differ
 *       (then {@code |a| + |b| = |a - b|}); so it never exceeds the absolute difference. When
 *       both components are 0 the term is 0.
 * </ul>
 * Fitted on labelled pairs by Newton's method (iteratively reweighted least squares) on the
 * L2-regularised log-likelihood, with the features standardised for the fit (so one penalty
 * suits all components) and the weights mapped back, so that {@code w} and {@code b} apply to
 * the raw features: what the conf lines hold. 129 parameters, a 129 x 129 solve per step; no
 * engine needed.
 *
 * <p>The decision: same person when {@code p_same >= pThreshold}. {@link #calibrate} picks the
 * threshold for a target FAR with {@code eval}'s rule ({@link Calibration}: the loosest whose
 * measured FAR is at most the target), on the score {@code -logit}, which orders pairs as
 * {@code 1 - p_same} does without losing precision near p = 1.
 */
public final class PairHead implements Serializable {
  private static final long serialVersionUID = 1L;
  /** Conf keys: {@code facerec.head.<model id>.<field>}. */
  public static final String CONF_PREFIX = "facerec.head.";

  /** The pair feature. */
  public enum Kind {
    LOGISTIC("logistic"),
    CHI2("chi2");

    private final String label;

    Kind(String label) {
      this.label = label;
    }

    public String label() {
      return label;
    }

    public static Kind of(String label) {
      for (Kind k : values()) {
        if (k.label.equals(label.trim().toLowerCase(Locale.ROOT))) {
          return k;
        }
      }
      throw new IllegalArgumentException("unknown head '" + label + "': logistic or chi2");
    }

    /** The feature of components {@code x} and {@code y}. */
    public double feature(double x, double y) {
      double d = x - y;
      if (this == LOGISTIC) {
        return Math.abs(d);
      }
      double s = Math.abs(x) + Math.abs(y);
      return s == 0 ? 0 : d * d / s;
    }
  }

  /**
   * How a fit is done.
   *
   * @param lambda the L2 penalty on the standardised weights, against a log-likelihood summed
   *     over the pairs
   */
  public record FitOptions(double lambda, int maxIterations, double tolerance) {
    /** lambda 1, at most 50 Newton steps: for a fixed penalty; {@link #fitSelectingLambda}. */
    public static FitOptions defaults() {
      return new FitOptions(1.0, 50, 1e-9);
    }

    public FitOptions withLambda(double l) {
      return new FitOptions(l, maxIterations, tolerance);
    }
  }

  /** The penalties {@link #fitSelectingLambda} tries: 0.01 to 10,000, a factor 10 apart. */
  public static final double[] LAMBDAS = {0.01, 0.1, 1, 10, 100, 1_000, 10_000};

  /**
   * A fit whose penalty was chosen by cross-validation on the fitting pairs' own folds.
   *
   * @param lambda the penalty chosen
   * @param lambdas the penalties tried
   * @param heldOutLogLoss for each, the mean negative log-likelihood of the held folds' pairs
   */
  public record Selected(PairHead head, double lambda, double[] lambdas,
      double[] heldOutLogLoss) {}

  private final Kind kind;
  private final double[] w;
  private final double b;
  private final double pThreshold;

  public PairHead(Kind kind, double[] w, double b, double pThreshold) {
    for (double v : w) {
      if (!Double.isFinite(v)) {
        throw new IllegalArgumentException("head weights must be finite, got " + v);
      }
    }
    if (!Double.isFinite(b)) {
      throw new IllegalArgumentException("head bias must be finite, got " + b);
    }
    if (!Double.isNaN(pThreshold) && !(pThreshold >= 0 && pThreshold <= 1)) {
      throw new IllegalArgumentException("probability threshold must be in [0, 1], not "
          + pThreshold);
    }
    this.kind = kind;
    this.w = w.clone();
    this.b = b;
    this.pThreshold = pThreshold;
  }

  public Kind kind() {
    return kind;
  }

  public double[] w() {
    return w.clone();
  }

  public double b() {
    return b;
  }

  /** The decision threshold on {@code p_same}; NaN until calibrated. */
  public double pThreshold() {
    return pThreshold;
  }

  public PairHead withPThreshold(double p) {
    return new PairHead(kind, w, b, p);
  }

  /** {@code sum_k w_k phi_k(a, b) + b}: the log-odds that the two are the same person. */
  public double logit(float[] x, float[] y) {
    if (x.length != w.length || y.length != w.length) {
      throw new IllegalArgumentException("the head takes " + w.length + "-d encodings, not "
          + x.length + " and " + y.length);
    }
    double z = b;
    for (int k = 0; k < w.length; k++) {
      z += w[k] * kind.feature(x[k], y[k]);
    }
    return z;
  }

  /** {@code p_same}, the probability that the two encodings show the same person. */
  public double probability(float[] x, float[] y) {
    return sigmoid(logit(x, y));
  }

  /** Same person: {@code p_same >= pThreshold()}; fails when not calibrated. */
  public boolean same(float[] x, float[] y) {
    if (Double.isNaN(pThreshold)) {
      throw new IllegalStateException("the head has no probability threshold: calibrate it");
    }
    return logit(x, y) >= logit(pThreshold);
  }

  public static double sigmoid(double z) {
    return z >= 0 ? 1 / (1 + Math.exp(-z)) : Math.exp(z) / (1 + Math.exp(z));
  }

  /** The inverse of {@link #sigmoid}; +-infinity at 1 and 0. */
  public static double logit(double p) {
    return Math.log(p) - Math.log1p(-p);
  }

  /**
   * Every pair's {@code -logit} as a distance for {@code eval}'s sweeps and metrics (smaller:
   * more alike); failed pairs stay failed.
   */
  public PairDistances scores(PairSet pairs) {
    return pairs.scores((x, y) -> -logit(x, y));
  }

  /** k-fold accuracy, AUC, TAR at FAR over {@code pairs}' folds, with this head's scores. */
  public VerificationMetrics metrics(PairSet pairs) {
    return VerificationMetrics.compute(scores(pairs));
  }

  /** The head with its threshold for {@code targetFar} on {@code pairs}, and the measurement. */
  public record Calibrated(PairHead head, Calibration calibration) {}

  /**
   * The probability threshold whose measured FAR on {@code pairs} is at most {@code targetFar},
   * with the fewest false rejects ({@link Calibration}). The threshold lies between two measured
   * scores, so {@code p >= pThreshold} and {@code p > pThreshold} agree on every measured pair.
   */
  public Calibrated calibrate(double targetFar, PairSet pairs) {
    PairDistances s = scores(pairs);
    Calibration c = Calibration.forTargetFar(targetFar, s.distance(), s.same(), s.failed());
    return new Calibrated(withPThreshold(sigmoid(-c.threshold())), c);
  }

  /**
   * Fits a head of {@code kind} with the penalty of {@code lambdas} whose heads, each fitted on
   * all folds of {@code pairs} but one, predict the held fold best (mean log-loss over the
   * held folds' pairs, the smooth measure logistic regression minimises), then refits on all of
   * {@code pairs} with it. Needs pairs in two folds or more. Measured on lfw-dev, a fixed penalty
   * was badly wrong for the held-out people (lambda 1: TAR 69% at FAR 1e-3, lambda 100: 91%), so
   * the penalty is learnt from the data, never from the pairs a figure is reported on.
   */
  public static Selected fitSelectingLambda(Kind kind, PairSet pairs, double[] lambdas,
      FitOptions options) {
    int[] folds = Arrays.stream(pairs.fold()).distinct().sorted().toArray();
    if (folds.length < 2) {
      throw new IllegalArgumentException("choosing the penalty needs pairs in 2 folds or more");
    }
    double[] loss = new double[lambdas.length];
    int best = 0;
    for (int l = 0; l < lambdas.length; l++) {
      double sum = 0;
      int n = 0;
      for (int f : folds) {
        PairHead h = fit(kind, pairs.without(f), options.withLambda(lambdas[l]));
        PairSet held = pairs.only(f);
        for (int i = 0; i < held.size(); i++) {
          if (!held.failed(i)) {
            double z = h.logit(held.a()[i], held.b()[i]);
            // -log p(y | z) = log(1 + e^z) - y z, computed stably
            sum += (z > 0 ? z + Math.log1p(Math.exp(-z)) : Math.log1p(Math.exp(z)))
                - (held.same()[i] ? z : 0);
            n++;
          }
        }
      }
      loss[l] = sum / n;
      if (loss[l] < loss[best]) {
        best = l;
      }
    }
    return new Selected(fit(kind, pairs, options.withLambda(lambdas[best])), lambdas[best],
        lambdas.clone(), loss);
  }

  /** Fits a head of {@code kind} on the pairs with both encodings (failed ones cannot teach). */
  public static PairHead fit(Kind kind, PairSet pairs, FitOptions options) {
    List<double[]> rows = new ArrayList<>();
    List<Boolean> labels = new ArrayList<>();
    int dim = -1;
    for (int i = 0; i < pairs.size(); i++) {
      if (pairs.failed(i)) {
        continue;
      }
      float[] x = pairs.a()[i];
      float[] y = pairs.b()[i];
      dim = x.length;
      double[] phi = new double[dim];
      for (int k = 0; k < dim; k++) {
        phi[k] = kind.feature(x[k], y[k]);
      }
      rows.add(phi);
      labels.add(pairs.same()[i]);
    }
    if (!labels.contains(true) || !labels.contains(false)) {
      throw new IllegalArgumentException("fitting a head needs genuine and impostor pairs");
    }
    int n = rows.size();
    double[] mean = new double[dim];
    double[] sd = new double[dim];
    for (double[] r : rows) {
      for (int k = 0; k < dim; k++) {
        mean[k] += r[k] / n;
      }
    }
    for (double[] r : rows) {
      for (int k = 0; k < dim; k++) {
        sd[k] += (r[k] - mean[k]) * (r[k] - mean[k]) / n;
      }
    }
    for (int k = 0; k < dim; k++) {
      sd[k] = Math.sqrt(sd[k]);
      if (!(sd[k] > 1e-12)) {
        sd[k] = 1; // a constant feature: its weight stays 0 under the penalty
      }
    }
    double[][] z = new double[n][dim + 1]; // standardised features, then 1 for the bias
    double[] t = new double[n];
    for (int i = 0; i < n; i++) {
      for (int k = 0; k < dim; k++) {
        z[i][k] = (rows.get(i)[k] - mean[k]) / sd[k];
      }
      z[i][dim] = 1;
      t[i] = labels.get(i) ? 1 : 0;
    }
    double[] v = newton(z, t, options);
    double[] w = new double[dim];
    double bias = v[dim];
    for (int k = 0; k < dim; k++) {
      w[k] = v[k] / sd[k];
      bias -= v[k] * mean[k] / sd[k];
    }
    return new PairHead(kind, w, bias, Double.NaN);
  }

  /** Minimises the penalised negative log-likelihood; the last parameter (bias) is free. */
  private static double[] newton(double[][] z, double[] t, FitOptions o) {
    int m = z[0].length;
    double[] v = new double[m];
    double loss = objective(z, t, v, o.lambda());
    for (int it = 0; it < o.maxIterations(); it++) {
      double[] g = new double[m];
      double[][] h = new double[m][m];
      for (int i = 0; i < z.length; i++) {
        double p = sigmoid(dot(z[i], v));
        double r = p - t[i];
        double s = Math.max(p * (1 - p), 1e-12);
        for (int a = 0; a < m; a++) {
          g[a] += r * z[i][a];
          double sa = s * z[i][a];
          for (int c = a; c < m; c++) {
            h[a][c] += sa * z[i][c];
          }
        }
      }
      for (int a = 0; a < m; a++) {
        for (int c = 0; c < a; c++) {
          h[a][c] = h[c][a];
        }
        if (a < m - 1) {
          g[a] += o.lambda() * v[a];
          h[a][a] += o.lambda();
        } else {
          h[a][a] += 1e-9; // the bias: keeps the system positive definite
        }
      }
      double[] step = cholesky(h, g);
      // a damped step where the full one would not decrease the objective
      double scale = 1;
      double[] next = new double[m];
      double nextLoss;
      do {
        for (int a = 0; a < m; a++) {
          next[a] = v[a] - scale * step[a];
        }
        nextLoss = objective(z, t, next, o.lambda());
        scale /= 2;
      } while (nextLoss > loss && scale > 1e-6);
      double moved = 0;
      for (int a = 0; a < m; a++) {
        moved = Math.max(moved, Math.abs(next[a] - v[a]));
      }
      v = next;
      boolean done = loss - nextLoss < o.tolerance() * Math.max(1, Math.abs(loss))
          && moved < 1e-6;
      loss = nextLoss;
      if (done) {
        break;
      }
    }
    return v;
  }

  private static double objective(double[][] z, double[] t, double[] v, double lambda) {
    double s = 0;
    for (int i = 0; i < z.length; i++) {
      double u = dot(z[i], v);
      // -log p(t | u), stable: log(1 + e^u) - t u
      s += (u > 0 ? u + Math.log1p(Math.exp(-u)) : Math.log1p(Math.exp(u))) - t[i] * u;
    }
    double r = 0;
    for (int a = 0; a < v.length - 1; a++) {
      r += v[a] * v[a];
    }
    return s + lambda / 2 * r;
  }

  private static double dot(double[] x, double[] y) {
    double s = 0;
    for (int i = 0; i < x.length; i++) {
      s += x[i] * y[i];
    }
    return s;
  }

  /** Solves {@code h x = g} for a symmetric positive-definite {@code h}. */
  private static double[] cholesky(double[][] h, double[] g) {
    int m = g.length;
    double[][] l = new double[m][m];
    for (int i = 0; i < m; i++) {
      for (int j = 0; j <= i; j++) {
        double s = h[i][j];
        for (int k = 0; k < j; k++) {
          s -= l[i][k] * l[j][k];
        }
        if (i == j) {
          if (!(s > 0)) {
            throw new IllegalStateException("the head's Hessian is not positive definite");
          }
          l[i][i] = Math.sqrt(s);
        } else {
          l[i][j] = s / l[j][j];
        }
      }
    }
    double[] y = new double[m];
    for (int i = 0; i < m; i++) {
      double s = g[i];
      for (int k = 0; k < i; k++) {
        s -= l[i][k] * y[k];
      }
      y[i] = s / l[i][i];
    }
    double[] x = new double[m];
    for (int i = m - 1; i >= 0; i--) {
      double s = y[i];
      for (int k = i + 1; k < m; k++) {
        s -= l[k][i] * x[k];
      }
      x[i] = s / l[i][i];
    }
    return x;
  }

  /**
   * The conf lines for model {@code modelId}: {@code facerec.head.<id>.kind}, {@code .w} (the
   * weights as a comma list, each in full: {@link Double#toString} reads back to the same
   * double), {@code .b} and {@code .p-threshold} (when calibrated), in that order.
   */
  public Map<String, String> toConf(String modelId) {
    Map<String, String> m = new LinkedHashMap<>();
    String p = CONF_PREFIX + modelId + ".";
    m.put(p + "kind", kind.label());
    StringBuilder ws = new StringBuilder();
    for (double x : w) {
      ws.append(ws.length() == 0 ? "" : ",").append(x);
    }
    m.put(p + "w", ws.toString());
    m.put(p + "b", Double.toString(b));
    if (!Double.isNaN(pThreshold)) {
      m.put(p + "p-threshold", Double.toString(pThreshold));
    }
    return m;
  }

  /** Whether {@code conf} holds a head for {@code modelId}. */
  public static boolean inConf(Map<String, String> conf, String modelId) {
    return conf.containsKey(CONF_PREFIX + modelId + ".w");
  }

  /** The head {@link #toConf} wrote for {@code modelId}; fails naming the key that is wrong. */
  public static PairHead fromConf(Map<String, String> conf, String modelId) {
    String p = CONF_PREFIX + modelId + ".";
    String kind = require(conf, p + "kind");
    String[] ws = require(conf, p + "w").split(",");
    double[] w = new double[ws.length];
    for (int i = 0; i < ws.length; i++) {
      w[i] = number(p + "w", ws[i]);
    }
    double bias = number(p + "b", require(conf, p + "b"));
    String t = conf.get(p + "p-threshold");
    double pt = t == null || t.isBlank() ? Double.NaN : number(p + "p-threshold", t);
    try {
      return new PairHead(Kind.of(kind), w, bias, pt);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("setting " + p + "*: " + e.getMessage(), e);
    }
  }

  private static String require(Map<String, String> conf, String key) {
    String v = conf.get(key);
    if (v == null || v.isBlank()) {
      throw new IllegalArgumentException("setting " + key + " is missing");
    }
    return v;
  }

  private static double number(String key, String v) {
    try {
      return Double.parseDouble(v.trim());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("setting " + key + ": '" + v.trim()
          + "' is not a number");
    }
  }

  @Override
  public String toString() {
    return String.format(Locale.ROOT, "%s head (%d weights, b %.4f, p-threshold %s)",
        kind.label(), w.length, b, Double.isNaN(pThreshold) ? "none" : pThreshold);
  }
}
