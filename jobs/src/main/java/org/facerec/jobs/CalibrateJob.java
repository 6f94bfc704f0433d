package org.facerec.jobs;

import static org.facerec.report.Format.pct;

import java.io.IOException;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.facerec.config.ConfFile;
import org.facerec.config.ModelConfig;
import org.facerec.config.Settings;
import org.facerec.eval.Calibration;
import org.facerec.eval.MetricsJson;
import org.facerec.eval.OperatingPoint;
import org.facerec.eval.PairDistances;
import org.facerec.io.Inputs;
import org.facerec.io.ModelCheck;
import org.facerec.learn.FoldedMetrics;
import org.facerec.learn.PairHead;
import org.facerec.learn.PairSet;
import org.facerec.match.Distances;

/**
 * The threshold for a target false accept rate, on labelled pairs: the highest threshold whose FAR
 * over the impostor pairs is at most the target, so the fewest false rejects at that FAR. The
 * pairs come from a pairs file and its images (encoded as evaluate encodes them) or from the
 * {@code pairs.csv} of an earlier evaluate (no encoding). A pair with a failed image is an error
 * at every threshold, as in evaluate. The threshold is printed with the FAR and FRR it measures
 * and written as {@code facerec.threshold.<model id>} into a conf file ({@link ConfFile}), which
 * verify and identify read with {@code --conf} (or, for the installation, its
 * conf/facerec.conf).
 */
public final class CalibrateJob {
  /**
   * @param pairs a pairs file, with {@code images}; or null and {@code distances}
   * @param distances the pairs.csv of an evaluate run
   * @param far the target false accept rate, in (0, 1)
   * @param model the model the command asked for, or null (with {@code distances}, the one that
   *     wrote them)
   * @param write the conf file to set the threshold in, or null
   * @param json where to write the calibration as JSON, or null
   */
  public record Request(String pairs, String images, String distances, double far, String model,
      Path write, String json, PairHead.Kind head) {
    /** A threshold calibration, without a head. */
    public Request(String pairs, String images, String distances, double far, String model,
        Path write, String json) {
      this(pairs, images, distances, far, model, write, json, null);
    }
  }

  static final String WRITER = "facerec calibrate";

  /** The labelled distances to calibrate on, their model, and what encoding them took. */
  private record Pairs(String source, String model, PairDistances distances,
      Map<String, Long> counts, long images) {}

  private CalibrateJob() {}

  public static Summary run(Run run, Request req) throws IOException {
    if (req.head() != null) {
      return head(run, req);
    }
    Pairs pairs = req.distances() != null ? fromDistances(run, req) : fromPairs(run, req);
    PairDistances d = pairs.distances();
    Calibration c = Calibration.forTargetFar(req.far(), d.distance(), d.same(), d.failed());
    OperatingPoint p = c.point();
    if (!c.met()) {
      throw new IOException(String.format(Locale.ROOT, "no threshold gives FAR %s or less: %d of "
          + "%d impostor pairs have a failed image, which is a false accept at every threshold",
          req.far(), p.impostorsAccepted(), p.impostors()));
    }
    String measured = String.format(Locale.ROOT, "FAR %s (%d of %d impostor pairs), FRR %s (%d "
        + "of %d genuine pairs)", pct(p.far()), p.impostorsAccepted(), p.impostors(),
        pct(p.frr()), p.falseRejects(), p.genuine());
    String key = ModelConfig.thresholdKey(pairs.model());
    if (req.write() != null) {
      ConfFile.writeKey(req.write(), key, Double.toString(c.threshold()), WRITER,
          String.format(Locale.ROOT, "target FAR %s on %s, %s: %s", req.far(), pairs.source(),
              LocalDate.now(ZoneOffset.UTC), measured));
    }
    if (req.json() != null) {
      run.tables().writeText(req.json(), MetricsJson.toJson(c.flat(pairs.model())) + "\n");
    }
    return new Summary("calibrate", pairs.counts(), pairs.images(), run.elapsedSeconds(),
        facts(run, req, pairs, c, measured, key));
  }

  /** The distances of an evaluate's pairs.csv: no encoding; the model is the one that wrote it. */
  private static Pairs fromDistances(Run run, Request req) throws IOException {
    Dataset<Row> t = readDistances(run, req.distances());
    List<String> models = ModelCheck.modelIds(t);
    if (models.size() != 1) {
      throw new IOException(req.distances() + " holds distances of models " + models
          + "; calibrate needs those of one");
    }
    String model = models.get(0);
    if (req.model() != null) {
      ModelCheck.require(t, req.distances(), req.model(), "distances",
          m -> "calibrate with --model " + m + ", or evaluate with --model " + req.model());
    }
    List<Row> rows = t.select("same", "distance").collectAsList();
    int n = rows.size();
    double[] distance = new double[n];
    boolean[] same = new boolean[n];
    boolean[] failed = new boolean[n];
    for (int i = 0; i < n; i++) {
      Row r = rows.get(i);
      same[i] = "1".equals(r.getString(0)) || "true".equalsIgnoreCase(r.getString(0));
      failed[i] = r.isNullAt(1);
      distance[i] = failed[i] ? Double.NaN : Double.parseDouble(r.getString(1));
    }
    return new Pairs(req.distances(), model, new PairDistances(new int[n], distance, same,
        failed), Map.of(), 0);
  }

  /** A pairs file's images, encoded as evaluate encodes them. */
  private static Pairs fromPairs(Run run, Request req) throws IOException {
    EvaluationImages.Verification v = EvaluationImages.verification(run, req.pairs(),
        req.images());
    return new Pairs(req.pairs(), run.model().id(), v.distances(),
        EvaluationImages.statusCounts(v.images()), v.images().size());
  }

  /**
   * The learned head of {@code req.head()}'s kind on the pairs' encodings: its penalty chosen by
   * cross-validation over the pairs' folds ({@link PairHead#fitSelectingLambda}), its probability
   * threshold for the target FAR picked on held-out scores (each fold scored by a head fitted,
   * penalty and all, on the other folds), so that the FAR it promises is measured on pairs the
   * head did not learn from. The head written is the one fitted on all the pairs. The held-out
   * accuracy, AUC and TAR at FAR 1e-3 of the head and of the plain distance on the same pairs
   * are printed side by side.
   */
  private static Summary head(Run run, Request req) throws IOException {
    if (req.pairs() == null) {
      throw new IllegalArgumentException("calibrate --head fits on encodings: give --pairs PAIRS "
          + "--images ROOT (an evaluate's pairs.csv holds distances only)");
    }
    EvaluationImages.Verification v = EvaluationImages.verification(run, req.pairs(),
        req.images());
    PairSet pairs = PairSet.of(v.pairs(), p -> v.images().get(p).embedding());
    String folding = "the pairs file's folds";
    if (Arrays.stream(pairs.fold()).distinct().count() < 2) {
      pairs = pairs.refold(5); // one fold: dealt into 5 in turn, for the cross-validation
      folding = "5 folds dealt in turn (the pairs file has one)";
    }
    PairHead.Kind kind = req.head();
    PairHead.FitOptions options = PairHead.FitOptions.defaults();
    int[] folds = Arrays.stream(pairs.fold()).distinct().sorted().toArray();
    PairHead[] heldHeads = new PairHead[folds[folds.length - 1] + 1];
    for (int f : folds) {
      heldHeads[f] = PairHead.fitSelectingLambda(kind, pairs.without(f), PairHead.LAMBDAS,
          options).head();
    }
    int n = pairs.size();
    double[] score = new double[n];
    boolean[] failed = new boolean[n];
    for (int i = 0; i < n; i++) {
      failed[i] = pairs.failed(i);
      score[i] = failed[i] ? Double.NaN
          : -heldHeads[pairs.fold()[i]].logit(pairs.a()[i], pairs.b()[i]);
    }
    Calibration c = Calibration.forTargetFar(req.far(), score, pairs.same(), failed);
    OperatingPoint p = c.point();
    if (!c.met()) {
      throw new IOException(String.format(Locale.ROOT, "no probability threshold gives FAR %s or "
          + "less: %d of %d impostor pairs have a failed image, which is a false accept at every "
          + "threshold", req.far(), p.impostorsAccepted(), p.impostors()));
    }
    PairHead.Selected all = PairHead.fitSelectingLambda(kind, pairs, PairHead.LAMBDAS, options);
    PairHead head = all.head().withPThreshold(PairHead.sigmoid(-c.threshold()));
    FoldedMetrics byHead = FoldedMetrics.of(pairs, f -> (x, y) -> -heldHeads[f].logit(x, y));
    FoldedMetrics byDistance = FoldedMetrics.of(pairs, f -> Distances::l2);

    String model = run.model().id();
    String measured = String.format(Locale.ROOT, "held out: FAR %s (%d of %d impostor pairs), "
        + "FRR %s (%d of %d genuine pairs)", pct(p.far()), p.impostorsAccepted(), p.impostors(),
        pct(p.frr()), p.falseRejects(), p.genuine());
    Map<String, String> keys = new LinkedHashMap<>(head.toConf(model));
    keys.put(Settings.DECIDE_BY, "head");
    if (req.write() != null) {
      ConfFile.writeKeys(req.write(), keys, WRITER, String.format(Locale.ROOT, "%s head, target "
          + "FAR %s on %s, %s: %s", kind.label(), req.far(), req.pairs(),
          LocalDate.now(ZoneOffset.UTC), measured));
    }
    Map<String, String> facts = new LinkedHashMap<>();
    facts.put("model", model);
    facts.put("faces", run.faces());
    facts.put("pairs", String.format(Locale.ROOT, "%d from %s (%d genuine, %d impostor; %s)", n,
        req.pairs(), p.genuine(), p.impostors(), folding));
    facts.put("head", String.format(Locale.ROOT, "%s: p_same = sigmoid(sum_k w_k %s + b), "
        + "lambda %s chosen by cross-validation", kind.label(), kind == PairHead.Kind.LOGISTIC
        ? "|x_k - y_k|" : "(x_k - y_k)^2 / (|x_k| + |y_k|)", all.lambda()));
    facts.put("target FAR", Double.toString(req.far()));
    facts.put("p-threshold", head.pThreshold() + " (p_same >= p-threshold accepts)");
    facts.put("measured", measured);
    facts.put("held-out head", figures(byHead));
    facts.put("held-out distance", figures(byDistance) + " (the plain L2 distance, same pairs)");
    if (req.far() < 1.0 / p.impostors()) {
      facts.put("note", String.format(Locale.ROOT, "with %d impostor pairs the smallest FAR "
          + "above 0 is %s: the target means no false accept at all here", p.impostors(),
          pct(1.0 / p.impostors())));
    }
    if (req.write() != null) {
      facts.put("written", String.join(", ", keys.keySet()) + " in " + req.write()
          + " (verify and identify decide by the head with --conf " + req.write() + ")");
    }
    if (req.json() != null) {
      Map<String, Object> flat = new LinkedHashMap<>(c.flat(model));
      flat.put("head", kind.label());
      flat.put("p_threshold", head.pThreshold());
      flat.put("lambda", all.lambda());
      run.tables().writeText(req.json(), MetricsJson.toJson(flat) + "\n");
      facts.put("output", req.json());
    }
    return new Summary("calibrate", EvaluationImages.statusCounts(v.images()),
        v.images().size(), run.elapsedSeconds(), facts);
  }

  private static String figures(FoldedMetrics m) {
    return String.format(Locale.ROOT, "accuracy %s +- %s, AUC %.4f, TAR %s at FAR 1e-3",
        pct(m.accuracyMean()), pct(m.accuracyStd()), m.pooled().auc(),
        pct(m.pooled().atFar1e3().point().tar()));
  }

  /** An evaluate's pairs.csv, its header checked. */
  private static Dataset<Row> readDistances(Run run, String csv) throws IOException {
    if (!Inputs.exists(run.spark(), csv)) {
      throw new IOException("distances file " + csv + " does not exist");
    }
    Dataset<Row> t = run.spark().read().option("header", "true")
        .csv(Inputs.qualified(run.spark(), csv).toString());
    List<String> need = List.of("same", "distance", ModelCheck.COLUMN);
    if (!Arrays.asList(t.columns()).containsAll(need)) {
      throw new IOException(csv + " is not the pairs.csv of facerec evaluate (its header lacks "
          + "one of " + need + ")");
    }
    return t;
  }

  private static Map<String, String> facts(Run run, Request req, Pairs pairs, Calibration c,
      String measured, String key) {
    OperatingPoint p = c.point();
    Map<String, String> facts = new LinkedHashMap<>();
    facts.put("model", pairs.model());
    if (req.distances() == null) {
      facts.put("faces", run.faces());
    }
    facts.put("pairs", String.format(Locale.ROOT, "%d from %s (%d genuine, %d impostor)",
        pairs.distances().size(), pairs.source(), p.genuine(), p.impostors()));
    facts.put("target FAR", Double.toString(req.far()));
    facts.put("threshold", Double.toString(c.threshold()) + " (distance < threshold accepts)");
    facts.put("measured", measured);
    if (req.far() < 1.0 / p.impostors()) {
      facts.put("note", String.format(Locale.ROOT, "with %d impostor pairs the smallest FAR "
          + "above 0 is %s: the target means no false accept at all here; measure on more "
          + "impostor pairs to calibrate it", p.impostors(), pct(1.0 / p.impostors())));
    }
    if (req.write() != null) {
      facts.put("written", key + " = " + c.threshold() + " in " + req.write());
    }
    if (req.json() != null) {
      facts.put("output", req.json());
    }
    return facts;
  }
}
