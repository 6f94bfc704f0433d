package org.facerec.jobs;

import static org.facerec.report.Format.fmt;
import static org.facerec.report.Format.pct;

import java.io.IOException;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.facerec.eval.Calibration;
import org.facerec.eval.IdentificationMetrics;
import org.facerec.eval.IdentificationSplit;
import org.facerec.eval.MetricsJson;
import org.facerec.eval.Pair;
import org.facerec.eval.PairDistances;
import org.facerec.eval.VerificationMetrics;
import org.facerec.io.Inputs;
import org.facerec.jobs.EvaluationImages.Encoded;
import org.facerec.jobs.EvaluationImages.Verification;
import org.facerec.match.Distances;
import org.facerec.report.EvaluationReport;

/**
 * Accuracy on the user's own labelled images, to choose a threshold and know its error rates:
 * verification by the k-fold protocol over a pairs file (a CSV {@code fold,path1,path2,same} or
 * LFW's {@code pairs.txt}), or identification on a labelled folder. Every distinct image is
 * encoded once ({@link EvaluationImages}), and the eval library computes distances and metrics on
 * the driver. An image that fails keeps its status and error: it is counted and listed, and its
 * pairs (or probes) are errors at every threshold. The outputs are {@link EvaluateOutputs}.
 */
public final class EvaluateJob {
  /** Verification: a pairs file, the folder its paths are relative to, the output folder. */
  public record Request(String pairs, String images, String out) {}

  /** Identification on {@code images}/&lt;identity&gt;/*, with a share of strangers. */
  public record IdentificationRequest(String images, String out, double strangers, long seed) {}

  /** The probe x gallery matrix is built on the driver: past this many cells, refuse. */
  static final long MAX_MATRIX_CELLS = 100_000_000L;
  private static final StructType PAIRS = new StructType()
      .add("fold", DataTypes.IntegerType, false)
      .add("path1", DataTypes.StringType, false)
      .add("path2", DataTypes.StringType, false)
      .add("same", DataTypes.IntegerType, false)
      .add("distance", DataTypes.DoubleType, true)
      .add("error", DataTypes.StringType, true)
      .add("model_id", DataTypes.StringType, false);
  private static final StructType PROBES = new StructType()
      .add("probe", DataTypes.StringType, false)
      .add("identity", DataTypes.StringType, false)
      .add("stranger", DataTypes.BooleanType, false)
      .add("gallery_image", DataTypes.StringType, true)
      .add("nearest", DataTypes.StringType, true)
      .add("nearest_distance", DataTypes.DoubleType, true)
      .add("own_distance", DataTypes.DoubleType, true)
      .add("rank", DataTypes.IntegerType, true)
      .add("error", DataTypes.StringType, true);
  private static final StructType FAILED = new StructType()
      .add("image", DataTypes.StringType, false)
      .add("status", DataTypes.StringType, false)
      .add("error", DataTypes.StringType, true);

  private EvaluateJob() {}

  // ---- verification ----------------------------------------------------------------------------

  public static Summary verify(Run run, Request req) throws IOException {
    EvaluateOutputs outputs = new EvaluateOutputs(req.out());
    Verification v = EvaluationImages.verification(run, req.pairs(), req.images());
    VerificationMetrics m = VerificationMetrics.compute(v.distances());
    Map<String, String> failed = EvaluationImages.failed(v.images());

    run.tables().writeCsv(run.spark().createDataFrame(pairRows(run, v), PAIRS), outputs.pairs());
    writeFailedAndMetrics(run, outputs, failed, m.flat(run.model().id(), failed.size()));
    Map<String, String> about = new LinkedHashMap<>();
    about.put("pairs file", req.pairs());
    about.put("images", req.images());
    about.putAll(reportRun(run, v.images().size(), failed.size()));
    run.tables().writeText(outputs.report(), EvaluationReport.verification(about, v.pairs(),
        v.distances(), m, failed, EvaluationImages.thumbnails(run, req.images())).render());

    Map<String, String> facts = run.facts();
    facts.put("pairs", String.format(Locale.ROOT, "%d (%d genuine, %d impostor) in %d folds; %d "
        + "with a failed image, counted as errors", m.pairs(), m.best().genuine(),
        m.best().impostors(), m.folds().length, m.failedPairs()));
    StringBuilder folds = new StringBuilder();
    for (double t : m.foldThresholds()) {
      folds.append(folds.length() == 0 ? "" : ", ").append(fmt(t));
    }
    facts.put("accuracy", String.format(Locale.ROOT, "%s ± %s (%d-fold; fold thresholds %s)",
        pct(m.accuracyMean()), pct(m.accuracyStd()), m.folds().length, folds));
    facts.put("ROC AUC", String.format(Locale.ROOT, "%.4f, EER %s", m.auc(), pct(m.eer())));
    facts.put("TAR at FAR 1e-2", atFar(m.atFar1e2()));
    facts.put("TAR at FAR 1e-3", atFar(m.atFar1e3()));
    facts.put("threshold", String.format(Locale.ROOT, "%s (most accurate on all pairs: "
        + "accuracy %s, FAR %s, FRR %s)", fmt(m.best().threshold()), pct(m.best().accuracy()),
        pct(m.best().far()), pct(m.best().frr())));
    failedFact(facts, failed, outputs);
    facts.put("output", String.join(", ", outputs.metrics(), outputs.report(), outputs.pairs(),
        outputs.failed()));
    return new Summary("evaluate", EvaluationImages.statusCounts(v.images()),
        v.images().size(), run.elapsedSeconds(), facts);
  }

  /** pairs.csv: each pair in the file's order with its distance, or the image that failed. */
  private static List<Row> pairRows(Run run, Verification v) {
    List<Row> rows = new ArrayList<>();
    PairDistances d = v.distances();
    for (int i = 0; i < d.size(); i++) {
      Pair p = v.pairs().get(i);
      String why = null;
      if (d.failed()[i]) {
        Encoded a = v.images().get(p.path1());
        Encoded b = v.images().get(p.path2());
        why = a.embedding() == null ? p.path1() + " " + a.reason() : p.path2() + " " + b.reason();
      }
      rows.add(RowFactory.create(p.fold(), p.path1(), p.path2(), p.same() ? 1 : 0,
          d.failed()[i] ? null : d.distance()[i], why, run.model().id()));
    }
    return rows;
  }

  // ---- identification --------------------------------------------------------------------------

  /** The probe x gallery distances (NaN where either image failed) and which images failed. */
  private record Matrix(double[][] d, boolean[] probeFailed, boolean[] galleryFailed) {}

  public static Summary identify(Run run, IdentificationRequest req) throws IOException {
    EvaluateOutputs outputs = new EvaluateOutputs(req.out());
    Map<String, String> listed = listIdentities(run, req.images());
    IdentificationSplit split = split(listed.keySet(), req);
    // only the images of identities with two or more take part: encode those alone
    Map<String, String> pathOf = new LinkedHashMap<>();
    for (String p : split.gallery()) {
      pathOf.put(p, listed.get(p));
    }
    for (String p : split.probes()) {
      pathOf.put(p, listed.get(p));
    }
    Map<String, Encoded> enc = EvaluationImages.encode(run, pathOf);
    Matrix x = matrix(split, enc);
    IdentificationMetrics m = IdentificationMetrics.compute(x.d(), split.probeMate(),
        x.probeFailed(), x.galleryFailed());
    Map<String, String> failed = EvaluationImages.failed(enc);

    run.tables().writeCsv(run.spark().createDataFrame(probeRows(split, enc, x, m), PROBES),
        outputs.probes());
    writeFailedAndMetrics(run, outputs, failed, m.flat(run.model().id(), failed.size()));
    Map<String, String> about = new LinkedHashMap<>();
    about.put("images", req.images());
    about.put("strangers", String.format(Locale.ROOT, "%s of the identities (seed %d)",
        req.strangers(), req.seed()));
    about.putAll(reportRun(run, enc.size(), failed.size()));
    run.tables().writeText(outputs.report(), EvaluationReport.identification(about, split,
        x.d(), m, failed, EvaluationImages.thumbnails(run, req.images())).render());

    Map<String, String> facts = run.facts();
    int gallery = split.gallery().size();
    facts.put("gallery", String.format(Locale.ROOT, "%d identities (their first image); %d of "
        + "%d identities left out as strangers, %d with a single image not used", gallery,
        split.strangers().size(), gallery + split.strangers().size(),
        listed.size() - pathOf.size()));
    facts.put("probes", String.format(Locale.ROOT, "%d (%d of gallery identities, %d of "
        + "strangers); %d failed, counted as errors", m.probes(), m.mateProbes(),
        m.strangerProbes(), m.failedProbes()));
    facts.put("rank-1", pct(m.rank1()));
    facts.put("rank-5", pct(m.rank5()));
    Calibration dir = m.dirAtFar(1e-2);
    facts.put("DIR at FAR 1e-2", dir == null ? "n/a (no strangers: --strangers F)" : atFar(dir));
    failedFact(facts, failed, outputs);
    facts.put("output", String.join(", ", outputs.metrics(), outputs.report(), outputs.probes(),
        outputs.failed()));
    return new Summary("evaluate", EvaluationImages.statusCounts(enc), enc.size(),
        run.elapsedSeconds(), facts);
  }

  /** The images under {@code images}, relative path (identity/image) to path, sorted. */
  private static Map<String, String> listIdentities(Run run, String images) throws IOException {
    Map<String, String> listed = new TreeMap<>();
    for (Row r : Inputs.listImages(run.spark(), images, run.config().inputs().extensions())
        .select("relative", Inputs.IMAGE_PATH).collectAsList()) {
      listed.put(r.getString(0), r.getString(1));
    }
    return listed;
  }

  /** Gallery, probes and strangers; refused when there is no gallery or too large a matrix. */
  private static IdentificationSplit split(java.util.Set<String> images,
      IdentificationRequest req) throws IOException {
    IdentificationSplit split = IdentificationSplit.of(images, req.strangers(), req.seed());
    if (split.gallery().isEmpty()) {
      throw new IOException("no identity under " + req.images() + " has two images or more "
          + "(expected " + req.images() + "/<identity>/<image>)");
    }
    long cells = (long) split.probes().size() * split.gallery().size();
    if (cells > MAX_MATRIX_CELLS) {
      throw new IOException(String.format(Locale.ROOT, "%d probes x %d gallery images is more "
          + "than the %d distances identification computes on the driver", split.probes().size(),
          split.gallery().size(), MAX_MATRIX_CELLS));
    }
    return split;
  }

  private static Matrix matrix(IdentificationSplit split, Map<String, Encoded> enc) {
    int probes = split.probes().size();
    int gallery = split.gallery().size();
    float[][] g = new float[gallery][];
    boolean[] galleryFailed = new boolean[gallery];
    for (int j = 0; j < gallery; j++) {
      g[j] = enc.get(split.gallery().get(j)).embedding();
      galleryFailed[j] = g[j] == null;
    }
    double[][] d = new double[probes][gallery];
    boolean[] probeFailed = new boolean[probes];
    for (int i = 0; i < probes; i++) {
      float[] p = enc.get(split.probes().get(i)).embedding();
      probeFailed[i] = p == null;
      for (int j = 0; j < gallery; j++) {
        d[i][j] = p == null || g[j] == null ? Double.NaN : Distances.l2(p, g[j]);
      }
    }
    return new Matrix(d, probeFailed, galleryFailed);
  }

  /** probes.csv: each probe's nearest gallery image, its own, its rank, or why none. */
  private static List<Row> probeRows(IdentificationSplit split, Map<String, Encoded> enc,
      Matrix x, IdentificationMetrics m) {
    List<Row> rows = new ArrayList<>();
    int[] mate = split.probeMate();
    for (int i = 0; i < split.probes().size(); i++) {
      String probe = split.probes().get(i);
      boolean stranger = mate[i] == IdentificationSplit.STRANGER;
      int top = m.top1()[i];
      int rank = m.rank()[i];
      String why = null;
      if (x.probeFailed()[i]) {
        why = enc.get(probe).reason();
      } else if (!stranger && x.galleryFailed()[mate[i]]) {
        why = "gallery image " + split.gallery().get(mate[i]) + " "
            + enc.get(split.gallery().get(mate[i])).reason();
      }
      rows.add(RowFactory.create(probe, IdentificationSplit.identityOf(probe), stranger,
          stranger ? null : split.gallery().get(mate[i]),
          top < 0 ? null : split.gallery().get(top),
          top < 0 ? null : m.top1Distance()[i],
          stranger || Double.isNaN(x.d()[i][mate[i]]) ? null : x.d()[i][mate[i]],
          stranger || rank == IdentificationMetrics.NEVER ? null : rank, why));
    }
    return rows;
  }

  // ---- both --------------------------------------------------------------------------------------

  /** failed_images.csv and metrics.json. */
  private static void writeFailedAndMetrics(Run run, EvaluateOutputs outputs,
      Map<String, String> failed, Map<String, Object> metrics) throws IOException {
    List<Row> rows = new ArrayList<>();
    failed.forEach((p, why) -> {
      int colon = why.indexOf(": ");
      rows.add(RowFactory.create(p, colon < 0 ? why : why.substring(0, colon),
          colon < 0 ? null : why.substring(colon + 2)));
    });
    run.tables().writeCsv(run.spark().createDataFrame(rows, FAILED), outputs.failed());
    run.tables().writeText(outputs.metrics(), MetricsJson.toJson(metrics) + "\n");
  }

  /** The first few failed images in the summary; all of them are in failed_images.csv. */
  private static void failedFact(Map<String, String> facts, Map<String, String> failed,
      EvaluateOutputs outputs) {
    if (failed.isEmpty()) {
      return;
    }
    StringBuilder sb = new StringBuilder();
    failed.entrySet().stream().limit(3).forEach(e -> sb.append("\n    ").append(e.getKey())
        .append(" (").append(e.getValue()).append(')'));
    if (failed.size() > 3) {
      sb.append("\n    ...");
    }
    facts.put("failed images", failed.size() + ", in " + outputs.failed() + ":" + sb);
  }

  /** The report's run table, after the inputs. */
  private static Map<String, String> reportRun(Run run, int images, int failed) {
    Map<String, String> m = new LinkedHashMap<>();
    m.put("model", run.model().id());
    m.put("faces", run.faces());
    m.put("images encoded", images + " (" + failed + " failed)");
    m.put("run", Instant.ofEpochMilli(run.startedAt()).truncatedTo(ChronoUnit.SECONDS)
        + String.format(Locale.ROOT, ", %.1f s", run.elapsedSeconds()));
    return m;
  }

  private static String atFar(Calibration c) {
    return c.met()
        ? String.format(Locale.ROOT, "%s (threshold %s, measured FAR %s: %d of %d)",
            pct(c.point().tar()), fmt(c.threshold()), pct(c.far()),
            c.point().impostorsAccepted(), c.point().impostors())
        : String.format(Locale.ROOT, "not reachable: failed images alone give FAR %s",
            pct(c.far()));
  }
}
