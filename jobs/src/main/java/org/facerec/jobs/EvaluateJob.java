package org.facerec.jobs;

import java.io.BufferedReader;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Dataset;
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
import org.facerec.eval.PairsFile;
import org.facerec.eval.VerificationMetrics;
import org.facerec.image.ImageDecoder;
import org.facerec.image.RgbImage;
import org.facerec.match.Distances;
import org.facerec.pipeline.FacePipeline;
import org.facerec.pipeline.FaceStatus;
import org.facerec.report.EvaluationReport;
import org.facerec.spark.Embeddings;
import org.facerec.spark.ImageFiles;

/**
 * Accuracy on the user's own labelled images, to choose a threshold and know its error rates:
 * verification by the k-fold protocol over a pairs file (a CSV {@code fold,path1,path2,same} or
 * LFW's {@code pairs.txt}), or identification on a labelled folder. Every distinct image is encoded
 * once by the jobs' encoding stage, so the model, alignment and framing settings apply as in
 * enroll or verify; the encodings come back to the driver (an evaluation set is thousands of
 * images, 512 bytes each), where the eval library computes distances and metrics. An image that
 * fails keeps its status and error: it is counted and listed, and its pairs (or probes) are
 * errors at every threshold.
 */
public final class EvaluateJob {
  /** Verification: a pairs file, the folder its paths are relative to, the output folder. */
  public record Request(String pairs, String images, String out) {}

  /** Identification on {@code images}/&lt;identity&gt;/*, with a share of strangers. */
  public record IdentificationRequest(String images, String out, double strangers, long seed) {}

  /** One image's outcome: its encoding, or null with the status and error saying why. */
  record Encoded(String status, String error, float[] embedding) {
    String reason() {
      return error == null ? status : status + ": " + error;
    }
  }

  /** Labelled pairs, their distances, and the outcome of each image (by path in the pairs). */
  record Verification(List<Pair> pairs, PairDistances distances, Map<String, Encoded> images) {}

  /** The probe x gallery matrix is built on the driver: past this many cells, refuse. */
  static final long MAX_MATRIX_CELLS = 100_000_000L;
  private static final StructType IMAGES = new StructType()
      .add(Inputs.IMAGE_PATH, DataTypes.StringType, false)
      .add("relative", DataTypes.StringType, false)
      .add(Inputs.INPUT_ERROR, DataTypes.StringType, true);
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

  public static Summary verify(Run run, Request req) throws IOException {
    Verification v = verification(run, req.pairs(), req.images());
    VerificationMetrics m = VerificationMetrics.compute(v.distances());
    String model = run.model().id();
    Map<String, String> failed = failed(v.images());

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
          d.failed()[i] ? null : d.distance()[i], why, model));
    }
    String out = req.out();
    run.writeCsv(run.spark().createDataFrame(rows, PAIRS), out + "/pairs.csv");
    writeFailed(run, failed, out);
    Outputs.writeText(run.spark(), out + "/metrics.json",
        MetricsJson.toJson(m.flat(model, failed.size())) + "\n");
    Map<String, String> about = new LinkedHashMap<>();
    about.put("pairs file", req.pairs());
    about.put("images", req.images());
    about.putAll(common(run, v.images().size(), failed.size()));
    Outputs.writeText(run.spark(), out + "/report.html", EvaluationReport.verification(about,
        v.pairs(), d, m, failed, thumbnails(run, req.images())).render());

    Map<String, String> facts = new LinkedHashMap<>();
    facts.put("model", model);
    facts.put("faces", run.faces());
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
    failedFact(facts, failed, out);
    facts.put("output", String.join(", ", out + "/metrics.json", out + "/report.html",
        out + "/pairs.csv", out + "/failed_images.csv"));
    return new Summary("evaluate", statusCounts(v.images()), v.images().size(),
        run.elapsedSeconds(), facts);
  }

  /**
   * Reads the pairs file (through Hadoop's file systems: local, hdfs://, s3a://) and encodes each
   * image it names once, relative to {@code images}.
   */
  static Verification verification(Run run, String pairsFile, String images) throws IOException {
    List<Pair> pairs = readPairs(run, pairsFile);
    String root = root(run, images).toUri().toString();
    Map<String, String> pathOf = new LinkedHashMap<>();
    for (String p : PairsFile.distinctPaths(pairs)) {
      pathOf.put(p, Inputs.resolve(root, p));
    }
    Map<String, Encoded> enc = encode(run, pathOf);
    return new Verification(pairs, PairDistances.of(pairs, p -> enc.get(p).embedding()), enc);
  }

  static List<Pair> readPairs(Run run, String pairsFile) throws IOException {
    Path file = Inputs.qualified(run.spark(), pairsFile);
    FileSystem fs = file.getFileSystem(run.spark().sparkContext().hadoopConfiguration());
    List<String> lines = new ArrayList<>();
    try (BufferedReader r = new BufferedReader(
        new InputStreamReader(fs.open(file), StandardCharsets.UTF_8))) {
      for (String line; (line = r.readLine()) != null; ) {
        lines.add(line);
      }
    } catch (FileNotFoundException e) {
      throw new IOException("pairs file " + pairsFile + " does not exist");
    }
    return PairsFile.parse(pairsFile, lines);
  }

  public static Summary identify(Run run, IdentificationRequest req) throws IOException {
    List<String> ext = Arrays.asList(run.settings().get(Settings.EXTENSIONS).split(","));
    root(run, req.images());
    Map<String, String> listed = new TreeMap<>();
    for (Row r : Inputs.listImages(run.spark(), req.images(), ext)
        .select("relative", Inputs.IMAGE_PATH).collectAsList()) {
      listed.put(r.getString(0), r.getString(1));
    }
    IdentificationSplit split = IdentificationSplit.of(listed.keySet(), req.strangers(),
        req.seed());
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
    // only the images of identities with two or more take part: encode those alone
    Map<String, String> pathOf = new LinkedHashMap<>();
    for (String p : split.gallery()) {
      pathOf.put(p, listed.get(p));
    }
    for (String p : split.probes()) {
      pathOf.put(p, listed.get(p));
    }
    Map<String, Encoded> enc = encode(run, pathOf);

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
    IdentificationMetrics m = IdentificationMetrics.compute(d, split.probeMate(), probeFailed,
        galleryFailed);
    String model = run.model().id();
    Map<String, String> failed = failed(enc);

    List<Row> rows = new ArrayList<>();
    int[] mate = split.probeMate();
    for (int i = 0; i < probes; i++) {
      String probe = split.probes().get(i);
      boolean stranger = mate[i] == IdentificationSplit.STRANGER;
      int top = m.top1()[i];
      int rank = m.rank()[i];
      String why = null;
      if (probeFailed[i]) {
        why = enc.get(probe).reason();
      } else if (!stranger && galleryFailed[mate[i]]) {
        why = "gallery image " + split.gallery().get(mate[i]) + " "
            + enc.get(split.gallery().get(mate[i])).reason();
      }
      rows.add(RowFactory.create(probe, IdentificationSplit.identityOf(probe), stranger,
          stranger ? null : split.gallery().get(mate[i]),
          top < 0 ? null : split.gallery().get(top),
          top < 0 ? null : m.top1Distance()[i],
          stranger || Double.isNaN(d[i][mate[i]]) ? null : d[i][mate[i]],
          stranger || rank == IdentificationMetrics.NEVER ? null : rank, why));
    }
    String out = req.out();
    run.writeCsv(run.spark().createDataFrame(rows, PROBES), out + "/probes.csv");
    writeFailed(run, failed, out);
    Outputs.writeText(run.spark(), out + "/metrics.json",
        MetricsJson.toJson(m.flat(model, failed.size())) + "\n");
    Map<String, String> about = new LinkedHashMap<>();
    about.put("images", req.images());
    about.put("strangers", String.format(Locale.ROOT, "%s of the identities (seed %d)",
        req.strangers(), req.seed()));
    about.putAll(common(run, enc.size(), failed.size()));
    Outputs.writeText(run.spark(), out + "/report.html", EvaluationReport.identification(about,
        split, d, m, failed, thumbnails(run, req.images())).render());

    Map<String, String> facts = new LinkedHashMap<>();
    facts.put("model", model);
    facts.put("faces", run.faces());
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
    failedFact(facts, failed, out);
    facts.put("output", String.join(", ", out + "/metrics.json", out + "/report.html",
        out + "/probes.csv", out + "/failed_images.csv"));
    return new Summary("evaluate", statusCounts(enc), enc.size(), run.elapsedSeconds(), facts);
  }

  /** The images root as a qualified path; it must be a folder. */
  private static Path root(Run run, String images) throws IOException {
    Path root = Inputs.qualified(run.spark(), images);
    try {
      if (!root.getFileSystem(run.spark().sparkContext().hadoopConfiguration())
          .getFileStatus(root).isDirectory()) {
        throw new IOException("--images " + images + " is not a folder");
      }
    } catch (FileNotFoundException e) {
      throw new IOException("--images folder " + images + " does not exist");
    }
    return root;
  }

  /** Encodes each image once through the jobs' encoding stage; keyed like {@code pathOf}. */
  static Map<String, Encoded> encode(Run run, Map<String, String> pathOf) throws IOException {
    List<Row> inputs = new ArrayList<>();
    pathOf.forEach((key, path) -> inputs.add(RowFactory.create(path, key, null)));
    Dataset<Row> encoded = run.encode(run.spark().createDataFrame(inputs, IMAGES), "evaluate",
        null).select("relative", "status", "error", "embedding");
    Map<String, Encoded> out = new LinkedHashMap<>();
    for (String key : pathOf.keySet()) {
      out.put(key, null);
    }
    for (Row r : encoded.collectAsList()) {
      boolean ok = FaceStatus.OK.name().equals(r.getString(1));
      out.put(r.getString(0), new Encoded(r.getString(1), r.getString(2),
          ok ? Embeddings.of(r, 3) : null));
    }
    out.forEach((key, e) -> {
      if (e == null) {
        throw new IllegalStateException("the encoding stage returned no row for " + key);
      }
    });
    return out;
  }

  /** The failed images, path to reason, sorted. */
  static Map<String, String> failed(Map<String, Encoded> images) {
    Map<String, String> out = new TreeMap<>();
    images.forEach((p, e) -> {
      if (e.embedding() == null) {
        out.put(p, e.reason());
      }
    });
    return out;
  }

  /** The first few failed images in the summary; all of them are in failed_images.csv. */
  private static void failedFact(Map<String, String> facts, Map<String, String> failed,
      String out) {
    if (failed.isEmpty()) {
      return;
    }
    StringBuilder sb = new StringBuilder();
    failed.entrySet().stream().limit(3).forEach(e -> sb.append("\n    ").append(e.getKey())
        .append(" (").append(e.getValue()).append(')'));
    if (failed.size() > 3) {
      sb.append("\n    ...");
    }
    facts.put("failed images", failed.size() + ", in " + out + "/failed_images.csv:" + sb);
  }

  private static Map<String, Long> statusCounts(Map<String, Encoded> images) {
    Map<String, Long> out = new TreeMap<>();
    images.values().forEach(e -> out.merge(e.status(), 1L, Long::sum));
    return out;
  }

  private static void writeFailed(Run run, Map<String, String> failed, String out)
      throws IOException {
    List<Row> rows = new ArrayList<>();
    failed.forEach((p, why) -> {
      int colon = why.indexOf(": ");
      rows.add(RowFactory.create(p, colon < 0 ? why : why.substring(0, colon),
          colon < 0 ? null : why.substring(colon + 2)));
    });
    run.writeCsv(run.spark().createDataFrame(rows, FAILED), out + "/failed_images.csv");
  }

  /** The report's run table, after the inputs. */
  private static Map<String, String> common(Run run, int images, int failed) {
    Map<String, String> m = new LinkedHashMap<>();
    m.put("model", run.model().id());
    m.put("faces", run.faces());
    m.put("images encoded", images + " (" + failed + " failed)");
    m.put("run", Instant.ofEpochMilli(run.startedAt()).truncatedTo(ChronoUnit.SECONDS)
        + String.format(Locale.ROOT, ", %.1f s", run.elapsedSeconds()));
    return m;
  }

  /** Reads the few images the report shows (the worst errors) again, on the driver. */
  private static Function<String, RgbImage> thumbnails(Run run, String images)
      throws IOException {
    String root = root(run, images).toUri().toString();
    Configuration conf = run.spark().sparkContext().hadoopConfiguration();
    Settings s = run.settings();
    FacePipeline decoding = FacePipeline.decodeOnly(s.getLong(Settings.MAX_PIXELS),
        s.getInt(Settings.MIN_SIDE));
    long maxBytes = s.getLong(Settings.MAX_BYTES);
    return relative -> {
      ImageFiles.Read read = ImageFiles.read(Inputs.resolve(root, relative), maxBytes, conf);
      ImageDecoder.Decoded d = decoding.decode(
          new FacePipeline.Input(read.bytes(), read.error(), null));
      return d.ok() ? d.image() : null;
    };
  }

  private static String atFar(Calibration c) {
    return c.met()
        ? String.format(Locale.ROOT, "%s (threshold %s, measured FAR %s: %d of %d)",
            pct(c.point().tar()), fmt(c.threshold()), pct(c.far()),
            c.point().impostorsAccepted(), c.point().impostors())
        : String.format(Locale.ROOT, "not reachable: failed images alone give FAR %s",
            pct(c.far()));
  }

  static String pct(double v) {
    return String.format(Locale.ROOT, "%.2f%%", 100 * v);
  }

  static String fmt(double v) {
    return String.format(Locale.ROOT, "%.4f", v);
  }
}
