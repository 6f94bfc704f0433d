package org.facerec.report;

import static org.facerec.report.Format.fmt;
import static org.facerec.report.Format.pct;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;
import org.facerec.eval.Calibration;
import org.facerec.eval.IdentificationMetrics;
import org.facerec.eval.IdentificationSplit;
import org.facerec.eval.OperatingPoint;
import org.facerec.eval.Pair;
import org.facerec.eval.PairDistances;
import org.facerec.eval.VerificationMetrics;
import org.facerec.image.RgbImage;

/**
 * The {@code report.html} of {@code facerec evaluate}: run summary, metrics, charts, the worst
 * errors as thumbnails and the failed images, in one self-contained page.
 */
public final class EvaluationReport {
  /** How many of the worst errors of each kind are shown. */
  static final int WORST = 10;
  private static final String GENUINE = "#1f77b4";
  private static final String IMPOSTOR = "#ff7f0e";

  private EvaluationReport() {}

  /**
   * The verification report.
   *
   * @param run what was run, shown first in this order (pairs file, images, model, framing...)
   * @param failedImages each failed image with the reason (listed by path)
   * @param images loads an image for a thumbnail; null (or an exception) shows a grey box
   */
  public static Html verification(Map<String, String> run, List<Pair> pairs, PairDistances d,
      VerificationMetrics m, Map<String, String> failedImages,
      Function<String, RgbImage> images) {
    Html page = new Html("facerec evaluation: verification");
    page.heading(1, "Verification report");
    runTable(page, run);

    OperatingPoint best = m.best();
    page.heading(2, "Metrics");
    page.table(List.of("metric", "value", "note"), List.of(
        List.of("accuracy (" + m.folds().length + "-fold)", pct(m.accuracyMean()) + " ± "
            + pct(m.accuracyStd()), "mean ± population std of the held-out folds' accuracies"),
        List.of("ROC AUC", fmt(m.auc(), 4), "all pairs"),
        List.of("EER", pct(m.eer()), "where FAR = FRR"),
        atFarRow("TAR at FAR 1e-2", m.atFar1e2()),
        atFarRow("TAR at FAR 1e-3", m.atFar1e3()),
        List.of("threshold", fmt(best.threshold(), 4), "most accurate on all pairs: accuracy "
            + pct(best.accuracy()) + ", FAR " + pct(best.far()) + ", FRR " + pct(best.frr())),
        List.of("pairs", Integer.toString(m.pairs()), best.genuine() + " genuine, "
            + best.impostors() + " impostor"),
        List.of("failed pairs", Integer.toString(m.failedPairs()),
            "counted as errors at every threshold"),
        List.of("failed images", Integer.toString(failedImages.size()), "")));
    page.note("Same person when distance < threshold. Each fold's threshold is the one most "
        + "accurate on the other folds (the lowest of equally accurate ones). A pair with a "
        + "failed image is an error at every threshold: a genuine pair a false reject, an "
        + "impostor pair a false accept.");

    List<List<String>> folds = new ArrayList<>();
    for (int f = 0; f < m.folds().length; f++) {
      folds.add(List.of(Integer.toString(m.folds()[f]), fmt(m.foldThresholds()[f], 4),
          pct(m.foldAccuracies()[f])));
    }
    page.heading(2, "Folds");
    page.table(List.of("held-out fold", "threshold (from the other folds)", "accuracy"), folds);

    page.heading(2, "Distributions");
    page.charts(roc(m), distanceHistogram(d, best.threshold()));

    page.heading(2, "Worst errors at threshold " + fmt(best.threshold(), 4));
    page.heading(3, "False rejects: the farthest genuine pairs");
    page.cards(worstPairs(pairs, d, true, best.threshold(), images));
    page.heading(3, "False accepts: the closest impostor pairs");
    page.cards(worstPairs(pairs, d, false, best.threshold(), images));

    failedImagesSection(page, failedImages);
    return page;
  }

  /**
   * The identification report.
   *
   * @param distance {@code distance[probe][gallery]}, as given to the metrics
   */
  public static Html identification(Map<String, String> run, IdentificationSplit split,
      double[][] distance, IdentificationMetrics m, Map<String, String> failedImages,
      Function<String, RgbImage> images) {
    Html page = new Html("facerec evaluation: identification");
    page.heading(1, "Identification report");
    runTable(page, run);

    page.heading(2, "Metrics");
    List<List<String>> rows = new ArrayList<>();
    rows.add(List.of("rank-1", pct(m.rank1()), "share of mate probes whose closest gallery "
        + "image is their own identity's"));
    rows.add(List.of("rank-5", pct(m.rank5()), "their identity among the 5 closest"));
    Calibration dir = m.dirAtFar(1e-2);
    rows.add(dir == null ? List.of("DIR at FAR 1e-2", "n/a", "no strangers (--strangers)")
        : atFarRow("DIR at FAR 1e-2", dir));
    rows.add(List.of("gallery", Integer.toString(m.gallery()), "first image of each identity"));
    rows.add(List.of("probes", Integer.toString(m.probes()), m.mateProbes() + " of gallery "
        + "identities, " + m.strangerProbes() + " of strangers (" + split.strangers().size()
        + " identities left out of the gallery)"));
    rows.add(List.of("failed probes", Integer.toString(m.failedProbes()),
        "counted as errors: never identified; a stranger always accepted"));
    rows.add(List.of("failed images", Integer.toString(failedImages.size()), ""));
    page.table(List.of("metric", "value", "note"), rows);

    page.heading(2, "Distributions");
    int ranks = Math.min(20, m.gallery());
    double[] rank = new double[ranks];
    double[] hit = new double[ranks];
    for (int k = 1; k <= ranks; k++) {
      rank[k - 1] = k;
      hit[k - 1] = m.rankAccuracy(k);
    }
    SvgLineChart cmc = new SvgLineChart("Cumulative match characteristic", "rank",
        "identification rate").range(1, Math.max(2, ranks), Math.max(0, m.rank1() - 0.1), 1)
        .series("mate probes", GENUINE, rank, hit);
    page.charts(cmc.render(520, 380), top1Histogram(m, dir));

    page.heading(2, "Worst misses");
    page.note("Probe, the gallery image it came closest to, and its own identity's gallery image.");
    page.cards(worstMisses(split, distance, m, images));

    failedImagesSection(page, failedImages);
    return page;
  }

  private static void runTable(Html page, Map<String, String> run) {
    List<List<String>> rows = new ArrayList<>();
    run.forEach((k, v) -> rows.add(List.of(k, v)));
    page.table(List.of("run", "value"), rows);
  }

  private static List<String> atFarRow(String name, Calibration c) {
    OperatingPoint p = c.point();
    String note = c.met()
        ? "threshold " + fmt(p.threshold(), 4) + ", measured FAR " + pct(p.far()) + " ("
            + p.impostorsAccepted() + " of " + p.impostors() + ")"
        : "not reachable: failed impostor pairs alone give FAR " + pct(p.far());
    return List.of(name, pct(p.tar()), note);
  }

  private static String roc(VerificationMetrics m) {
    double[][] roc = m.sweep().roc();
    double minFar = Math.pow(10, Math.floor(Math.log10(1.0 / m.best().impostors())));
    SvgLineChart chart = new SvgLineChart("ROC (AUC " + fmt(m.auc(), 4) + ")",
        "false accept rate (log)", "true accept rate")
        .logX().range(minFar, 1, 0, 1).series("all pairs", GENUINE, roc[0], roc[1]);
    for (Calibration c : List.of(m.atFar1e3(), m.atFar1e2())) {
      if (c.met()) {
        chart.marker(Math.max(c.far(), minFar), c.point().tar(),
            "FAR " + Format.power(c.targetFar()) + ": " + pct(c.point().tar()));
      }
    }
    return chart.render(520, 380);
  }

  private static String distanceHistogram(PairDistances d, double threshold) {
    List<Double> genuine = new ArrayList<>();
    List<Double> impostor = new ArrayList<>();
    for (int i = 0; i < d.size(); i++) {
      if (!d.failed()[i]) {
        (d.same()[i] ? genuine : impostor).add(d.distance()[i]);
      }
    }
    return new SvgHistogram("Pair distances", "L2 distance")
        .series("genuine (" + genuine.size() + ")", GENUINE, toArray(genuine))
        .series("impostor (" + impostor.size() + ")", IMPOSTOR, toArray(impostor))
        .marker(threshold, "threshold " + fmt(threshold, 3)).render(520, 380);
  }

  private static String top1Histogram(IdentificationMetrics m, Calibration dir) {
    List<Double> right = new ArrayList<>();
    List<Double> wrong = new ArrayList<>();
    List<Double> strangers = new ArrayList<>();
    for (int p = 0; p < m.rank().length; p++) {
      double t = m.top1Distance()[p];
      if (Double.isNaN(t)) {
        continue;
      }
      (m.rank()[p] == 0 ? strangers : m.rank()[p] == 1 ? right : wrong).add(t);
    }
    SvgHistogram h = new SvgHistogram("Distance to the closest gallery image", "L2 distance")
        .series("right identity (" + right.size() + ")", GENUINE, toArray(right))
        .series("wrong identity (" + wrong.size() + ")", "#7f7f7f", toArray(wrong));
    if (!strangers.isEmpty()) {
      h.series("strangers (" + strangers.size() + ")", IMPOSTOR, toArray(strangers));
    }
    if (dir != null && dir.met()) {
      h.marker(dir.threshold(), "FAR 1e-2 threshold " + fmt(dir.threshold(), 3));
    }
    return h.render(520, 380);
  }

  /** Genuine pairs at or over the threshold, farthest first; or impostors under it, closest. */
  private static List<Html.Card> worstPairs(List<Pair> pairs, PairDistances d, boolean genuine,
      double threshold, Function<String, RgbImage> images) {
    List<Integer> errors = new ArrayList<>();
    for (int i = 0; i < d.size(); i++) {
      if (!d.failed()[i] && d.same()[i] == genuine
          && (genuine ? d.distance()[i] >= threshold : d.distance()[i] < threshold)) {
        errors.add(i);
      }
    }
    Comparator<Integer> byDistance = Comparator.comparingDouble(i -> d.distance()[i]);
    errors.sort(genuine ? byDistance.reversed() : byDistance);
    List<Html.Card> cards = new ArrayList<>();
    for (int i : errors.subList(0, Math.min(WORST, errors.size()))) {
      Pair p = pairs.get(i);
      // Arrays.asList: a thumbnail that could not be made is a null, shown as a grey box
      cards.add(new Html.Card(
          Arrays.asList(thumbnail(images, p.path1()), thumbnail(images, p.path2())),
          List.of(p.path1(), p.path2()), List.of("distance " + fmt(d.distance()[i], 4)
              + ", fold " + p.fold(), p.path1(), p.path2())));
    }
    return cards;
  }

  /** Mate probes not found at rank 1, the ones whose mate is farthest behind the winner first. */
  private static List<Html.Card> worstMisses(IdentificationSplit split, double[][] distance,
      IdentificationMetrics m, Function<String, RgbImage> images) {
    List<Integer> misses = new ArrayList<>();
    for (int p = 0; p < m.rank().length; p++) {
      if (m.rank()[p] > 1 && m.rank()[p] != IdentificationMetrics.NEVER) {
        misses.add(p);
      }
    }
    int[] mate = split.probeMate();
    misses.sort(Comparator.comparingDouble(
        (Integer p) -> distance[p][mate[p]] - m.top1Distance()[p]).reversed());
    List<Html.Card> cards = new ArrayList<>();
    for (int p : misses.subList(0, Math.min(WORST, misses.size()))) {
      String probe = split.probes().get(p);
      String top = split.gallery().get(m.top1()[p]);
      String own = split.gallery().get(mate[p]);
      cards.add(new Html.Card(
          Arrays.asList(thumbnail(images, probe), thumbnail(images, top), thumbnail(images, own)),
          List.of(probe, top, own),
          List.of("rank " + m.rank()[p] + ": " + probe, "closest " + fmt(m.top1Distance()[p], 4)
              + ": " + top, "own " + fmt(distance[p][mate[p]], 4) + ": " + own)));
    }
    return cards;
  }

  private static void failedImagesSection(Html page, Map<String, String> failedImages) {
    page.heading(2, "Failed images (" + failedImages.size() + ")");
    if (failedImages.isEmpty()) {
      page.paragraph("None: every image was read and encoded.");
      return;
    }
    List<List<String>> rows = new ArrayList<>();
    new TreeMap<>(failedImages).forEach((path, reason) -> rows.add(List.of(path, reason)));
    page.table(List.of("image", "reason"), rows);
  }

  private static String thumbnail(Function<String, RgbImage> images, String path) {
    try {
      RgbImage img = images.apply(path);
      return img == null ? null : Thumbnails.jpegDataUri(img, Thumbnails.SIDE);
    } catch (RuntimeException e) {
      return null; // a thumbnail is not worth failing the report for; the box says unavailable
    }
  }

  private static double[] toArray(List<Double> values) {
    return values.stream().mapToDouble(Double::doubleValue).toArray();
  }
}
