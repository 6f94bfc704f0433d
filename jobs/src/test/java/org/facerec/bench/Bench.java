package org.facerec.bench;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.function.DoubleSupplier;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.facerec.TestData;
import org.facerec.cli.Facerec;
import org.facerec.image.ImageDecoder;
import org.facerec.image.RgbImage;
import org.facerec.config.IdentifyConfig;
import org.facerec.config.RunConfig;
import org.facerec.config.Settings;
import org.facerec.jobs.Sessions;
import org.facerec.match.Distances;
import org.facerec.match.NearestResidents;
import org.facerec.match.RandomEncodings;
import org.facerec.match.ResidentMatrix;
import org.facerec.model.FaceEncoder;
import org.facerec.model.FaceModel;
import org.facerec.stage.Matching;

/**
 * facerec's benchmarks, printed as tables (scripts/bench). Every figure is the median of several
 * timed runs after a warm-up, on this machine.
 */
public final class Bench {
  static final int RUNS = 3;

  public static void main(String[] args) throws Exception {
    List<String> which = args.length == 0 ? List.of("encoder", "enroll", "faces", "identify")
        : Arrays.asList(args);
    System.out.printf(Locale.ROOT, "facerec benchmarks: %d cores, %s, median of %d runs%n%n",
        Runtime.getRuntime().availableProcessors(), System.getProperty("java.version"), RUNS);
    double encoderRate = 0;
    if (which.contains("encoder") || which.contains("enroll")) {
      encoderRate = encoder(which.contains("encoder"));
    }
    if (which.contains("enroll")) {
      enroll(encoderRate);
    }
    if (which.contains("faces")) {
      faces();
    }
    if (which.contains("identify")) {
      identify();
    }
    if (which.contains("tables")) {
      tables(args.length > 1 ? Integer.parseInt(args[1]) : 100_000);
    }
  }

  /**
   * Adding 100 photos to a residents table of {@code rows} rows (synthetic encodings: the cost
   * measured is the table's, not the encoder's): the folder table of facerec before Delta,
   * rewritten whole by its commit, against the Delta table's MERGE of the rows that changed.
   * Files and bytes are what the write left in the table's folder (Delta's log included).
   */
  static void tables(int rows) throws Exception {
    SparkSession spark = Sessions.get(java.util.Map.of("spark.ui.showConsoleProgress", "false"));
    Path dir = Files.createTempDirectory("facerec-bench-tables");
    org.facerec.io.Tables tables = new org.facerec.io.Tables(spark,
        new org.facerec.io.Protection(org.facerec.config.EncryptionConfig.OFF),
        org.facerec.config.CommitMode.AUTO);
    Dataset<Row> base = residents(spark, 0, rows).cache();
    base.count();
    String folder = dir.resolve("folder/residents").toString();
    String delta = dir.resolve("delta/residents").toString();
    org.facerec.io.Outputs.writeTable(base, folder, java.util.Map.of(),
        org.facerec.config.CommitMode.RENAME);
    org.facerec.io.DeltaTables.create(spark, delta, org.facerec.io.ResidentsTable.SCHEMA,
        java.util.Map.of());
    tables.merge(delta, org.facerec.io.ResidentsTable.SCHEMA, base.limit(0), base,
        org.facerec.io.ResidentsTable.KEYS, 0);
    int[] added = {rows};
    double[][] folderFig = new double[RUNS + 1][];
    double[][] deltaFig = new double[RUNS + 1][];
    int[] i = {0};
    double folderS = median(RUNS, () -> {
      try {
        Dataset<Row> now = org.facerec.io.Tables.read(spark, folder, java.util.Map.of());
        Dataset<Row> after = now.unionByName(residents(spark, added[0], 100));
        added[0] += 100;
        Snapshot s0 = Snapshot.of(Path.of(folder));
        long t0 = System.nanoTime();
        org.facerec.io.Outputs.writeTable(after.orderBy("resident_id", "image_path"), folder,
            java.util.Map.of(), org.facerec.config.CommitMode.RENAME);
        double s = (System.nanoTime() - t0) / 1e9;
        folderFig[i[0]++] = Snapshot.of(Path.of(folder)).writtenSince(s0);
        return s;
      } catch (IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
    });
    i[0] = 0;
    double deltaS = median(RUNS, () -> {
      try {
        long v = tables.version(delta);
        Dataset<Row> before = tables.read(delta, v);
        Dataset<Row> after = before.unionByName(residents(spark, added[0], 100));
        added[0] += 100;
        Snapshot s0 = Snapshot.of(Path.of(delta));
        long t0 = System.nanoTime();
        tables.merge(delta, org.facerec.io.ResidentsTable.SCHEMA, before, after,
            org.facerec.io.ResidentsTable.KEYS, v);
        double s = (System.nanoTime() - t0) / 1e9;
        deltaFig[i[0]++] = Snapshot.of(Path.of(delta)).writtenSince(s0);
        return s;
      } catch (IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
    });
    System.out.printf(Locale.ROOT, "Adding 100 photos to a residents table of %,d rows "
        + "(synthetic 128-d encodings; the last timed run's files):%n", rows);
    System.out.println("| table | wall s | files written | bytes written | files deleted |");
    System.out.println("|-------|-------:|--------------:|--------------:|--------------:|");
    double[] f = folderFig[RUNS];
    double[] d = deltaFig[RUNS];
    System.out.printf(Locale.ROOT, "| folder (rewrite) | %.2f | %.0f | %,.0f | %.0f |%n", folderS,
        f[0], f[1], f[2]);
    System.out.printf(Locale.ROOT, "| Delta (MERGE) | %.2f | %.0f | %,.0f | %.0f |%n", deltaS,
        d[0], d[1], d[2]);
    System.out.printf(Locale.ROOT, "ratio of bytes written, folder / Delta: %.0fx%n%n",
        f[1] / d[1]);
    spark.stop();
  }

  /** {@code n} synthetic residents rows from number {@code from}, one photo each. */
  static Dataset<Row> residents(SparkSession spark, long from, long n) {
    return spark.range(from, from + n).selectExpr(
        "format_string('r%07d', id) AS resident_id",
        "format_string('/photos/r%07d.jpg', id) AS image_path",
        "sha2(cast(id AS string), 256) AS content_sha256",
        "'dlib-resnet-v1' AS model_id",
        "transform(sequence(1, 128), i -> cast(sin(id * 131 + i) AS float)) AS embedding",
        "'OK' AS status", "cast(NULL AS string) AS error",
        "current_timestamp() AS enrolled_at",
        "array(0, 0, 96, 96) AS face_box", "cast(1.0 AS float) AS face_score")
        .select(org.facerec.io.ResidentsTable.columns());
  }

  /** The files under a table's folder (hidden ones and Delta's log included), with sizes. */
  record Snapshot(java.util.Map<Path, Long> files) {
    static Snapshot of(Path root) {
      java.util.Map<Path, Long> m = new java.util.HashMap<>();
      try (var s = Files.walk(root)) {
        for (Path p : s.filter(Files::isRegularFile).filter(p -> !p.toString().endsWith(".crc")
            || p.toString().contains("_delta_log")).toList()) {
          m.put(root.relativize(p), Files.size(p));
        }
      } catch (IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
      return new Snapshot(m);
    }

    /** {files written, bytes written, files deleted} since {@code before}. */
    double[] writtenSince(Snapshot before) {
      long n = 0;
      long bytes = 0;
      for (var e : files.entrySet()) {
        if (!before.files.containsKey(e.getKey())) {
          n++;
          bytes += e.getValue();
        }
      }
      long deleted = before.files.keySet().stream().filter(k -> !files.containsKey(k)).count();
      return new double[] {n, bytes, deleted};
    }
  }

  /** enroll over the celeba-dev photos with the default settings: detection, landmarks, mirror. */
  static void faces() throws Exception {
    Path images = TestData.data("celeba-dev/images");
    long count = jpegs(images);
    double seconds = enrollSeconds(images);
    System.out.printf(Locale.ROOT, "Enroll over celeba-dev (%d photos, 99 to 5,616 px a side; "
        + "default settings: SSD detection, 2 landmark passes, aligned chip, mirror):%n", count);
    System.out.println("| wall s | images/s |");
    System.out.println("|-------:|---------:|");
    System.out.printf(Locale.ROOT, "| %6.1f | %8.1f |%n%n", seconds, count / seconds);
  }

  static long jpegs(Path dir) throws IOException {
    try (var files = Files.walk(dir)) {
      return files.filter(p -> p.toString().endsWith(".jpg")).count();
    }
  }

  /** The median wall time of {@code facerec enroll --images dir} with {@code options}. */
  static double enrollSeconds(Path images, String... options) throws IOException {
    Path out = Files.createTempDirectory("facerec-bench");
    SparkSession spark = Sessions.get(java.util.Map.of("spark.ui.showConsoleProgress", "false"));
    int[] run = {0};
    double seconds = median(RUNS, () -> {
      List<String> args = new ArrayList<>(List.of("enroll", "--images", images.toString(),
          "--table", out.resolve("residents-" + run[0]++).toString()));
      args.addAll(List.of(options));
      long t0 = System.nanoTime();
      if (Facerec.run(args.toArray(String[]::new)) != 0) {
        throw new IllegalStateException("enroll failed");
      }
      return (System.nanoTime() - t0) / 1e9;
    });
    spark.stop();
    return seconds;
  }

  static double median(int runs, DoubleSupplier run) {
    run.getAsDouble(); // warm-up
    double[] v = new double[runs];
    for (int i = 0; i < runs; i++) {
      v[i] = run.getAsDouble();
    }
    Arrays.sort(v);
    return v[runs / 2];
  }

  /** Encoder alone, 200+ real crops per run; returns images/s at batch 32. */
  static double encoder(boolean print) throws Exception {
    FaceModel model = FaceModel.DEFAULT;
    List<RgbImage> crops = new ArrayList<>();
    ImageDecoder decoder = new ImageDecoder();
    try (var files = Files.list(TestData.data("golden/dlib-resnet/crops"))) {
      for (Path f : files.sorted().toList()) {
        crops.add(decoder.decode(Files.readAllBytes(f)).image());
      }
    }
    double gflop = model.flopsPerImage() / 1e9;
    double at32 = 0;
    try (FaceEncoder enc = FaceEncoder.create(model.readWeights(TestData.modelsDir()),
        Device.cpu())) {
      if (print) {
        System.out.printf(Locale.ROOT, "Encoder alone: %s, %.3f GFLOP per image, default threads"
            + "%n", model.id(), gflop);
        System.out.println("| batch | images/s | GFLOP/s |");
        System.out.println("|------:|---------:|--------:|");
      }
      for (int batch : new int[] {1, 8, 32, 64}) {
        int total = Math.max(192, batch * 4);
        double rate = median(RUNS, () -> {
          long t0 = System.nanoTime();
          for (int done = 0; done < total; done += batch) {
            List<RgbImage> b = new ArrayList<>();
            for (int i = 0; i < batch; i++) {
              b.add(crops.get((done + i) % crops.size()));
            }
            enc.encode(b);
          }
          return total / ((System.nanoTime() - t0) / 1e9);
        });
        if (batch == 32) {
          at32 = rate;
        }
        if (print) {
          System.out.printf(Locale.ROOT, "| %5d | %8.1f | %7.1f |%n", batch, rate, rate * gflop);
        }
      }
    }
    if (print) {
      System.out.println();
    }
    return at32;
  }

  /** enroll over all lfw-dev images through the CLI, against the encoder alone. */
  static void enroll(double encoderRate) throws Exception {
    Path images = TestData.data("lfw-dev/images");
    long count = jpegs(images);
    // the encoder's own work: no detection, one encoding per image (no mirror)
    double seconds = enrollSeconds(images, "--align", "none", "--set",
        "facerec.encode.mirror=false");
    double rate = count / seconds;
    System.out.printf(Locale.ROOT, "Enroll over lfw-dev (%d images of 250x250; --align none, "
        + "framing resize, no mirror: the encoder alone's work):%n", count);
    System.out.println("| wall s | images/s | encoder alone (batch 32) | overhead |");
    System.out.println("|-------:|---------:|-------------------------:|---------:|");
    System.out.printf(Locale.ROOT, "| %6.1f | %8.1f | %24.1f | %7.2fx |%n%n", seconds, rate,
        encoderRate, encoderRate / rate);
  }

  /** 10,000 probes x 100,000 residents of random unit vectors. */
  static void identify() throws Exception {
    int probesN = 10_000;
    int residentsN = 100_000;
    int d = 128;
    Random r = new Random(1);
    List<String> ids = new ArrayList<>();
    List<float[]> res = new ArrayList<>();
    for (int i = 0; i < residentsN; i++) {
      ids.add("r" + i);
      res.add(RandomEncodings.unit(r, d));
    }
    List<float[]> probes = new ArrayList<>();
    for (int i = 0; i < probesN; i++) {
      probes.add(RandomEncodings.unit(r, d));
    }
    double pairs = (double) probesN * residentsN;
    ResidentMatrix matrix = ResidentMatrix.of(ids, res);

    // the machine's own float matmul rate, same shapes, same engine
    double matmulSeconds;
    try (NDManager m = NDManager.newBaseManager()) {
      NDArray a = m.create(flatten(probes.subList(0, 1000), d), new Shape(1000, d));
      NDArray bt = m.create(matrix.data(), new Shape(residentsN, d)).transpose();
      matmulSeconds = 10 * median(RUNS, () -> {
        long t0 = System.nanoTime();
        try (NDArray c = a.matMul(bt)) {
          c.getFloat(0, 0);
        }
        return (System.nanoTime() - t0) / 1e9;
      });
    }
    double matmulGflops = 2.0 * d * pairs / matmulSeconds / 1e9;
    System.err.println("identify bench: matmul done");

    double kernelSeconds;
    long[] rescans = {0};
    try (NDManager m = NDManager.newBaseManager();
        NearestResidents nn = new NearestResidents(matrix, 1, m)) {
      kernelSeconds = median(RUNS, () -> {
        long t0 = System.nanoTime();
        nn.search(probes);
        return (System.nanoTime() - t0) / 1e9;
      });
      rescans[0] = nn.rescans() / (RUNS + 1);
    }
    System.err.println("identify bench: NearestResidents done");

    // the seed's way: a distance per pair in a loop, on a slice
    int slice = 20;
    double loopSeconds = median(RUNS, () -> {
      long t0 = System.nanoTime();
      double sink = 0;
      for (int i = 0; i < slice; i++) {
        double best = Double.MAX_VALUE;
        for (float[] v : res) {
          best = Math.min(best, Distances.l2(probes.get(i), v));
        }
        sink += best;
      }
      if (sink < 0) {
        throw new IllegalStateException();
      }
      return (System.nanoTime() - t0) / 1e9 * probesN / slice;
    });

    System.err.println("identify bench: loop done");
    // the Spark plan the identify job runs: broadcast, and blocked
    SparkSession spark = Sessions.get(java.util.Map.of("spark.ui.showConsoleProgress", "false"));
    Settings base = Settings.load(java.util.Map.of(), null, List.of());
    Dataset<Row> p = frame(spark, "probe_key", probes);
    Dataset<Row> rr = frame(spark, "resident_id", res).cache();
    rr.count();
    IdentifyConfig broadcast = RunConfig.of(base).identify();
    double sparkBroadcast = median(RUNS, () -> timeSpark(broadcast, p, rr, d));
    System.err.println("identify bench: Spark broadcast done");
    IdentifyConfig blocked = RunConfig.of(base.with(Settings.BROADCAST_MAX_ROWS, "0")
        .with(Settings.BLOCK_ROWS, "25000")).identify();
    double sparkBlocked = median(RUNS, () -> timeSpark(blocked, p, rr, d));
    spark.stop();

    System.out.printf(Locale.ROOT, "Identify: %,d probes x %,d residents (random unit 128-d), "
        + "top-1, exact%n", probesN, residentsN);
    System.out.println("| method | seconds | pairs/s | vs matmul |");
    System.out.println("|--------|--------:|--------:|----------:|");
    row("float matmul alone (engine, same shapes)", matmulSeconds, pairs, matmulSeconds);
    row("NearestResidents (matmul + top-k + exact check)", kernelSeconds, pairs, matmulSeconds);
    row("identify's Spark plan, broadcast", sparkBroadcast, pairs, matmulSeconds);
    row("identify's Spark plan, blocked join (25k blocks)", sparkBlocked, pairs, matmulSeconds);
    row("per-pair distance loop (seed's way; " + slice + "-probe slice, scaled)", loopSeconds,
        pairs, matmulSeconds);
    System.out.printf(Locale.ROOT, "matmul rate: %.1f GFLOP/s; probes rescanned exactly: %d%n%n",
        matmulGflops, rescans[0]);
  }

  static void row(String name, double s, double pairs, double matmul) {
    System.out.printf(Locale.ROOT, "| %s | %.2f | %.3g | %.0f%% |%n", name, s, pairs / s,
        100 * matmul / s);
  }

  static double timeSpark(IdentifyConfig search, Dataset<Row> probes, Dataset<Row> residents,
      int dim) {
    long t0 = System.nanoTime();
    Matching.nearest(search, probes, residents, 1, dim).foreach(row -> { });
    return (System.nanoTime() - t0) / 1e9;
  }

  static Dataset<Row> frame(SparkSession spark, String key, List<float[]> vecs) {
    List<Row> rows = new ArrayList<>();
    for (int i = 0; i < vecs.size(); i++) {
      rows.add(RowFactory.create(key.charAt(0) + Integer.toString(i), vecs.get(i)));
    }
    StructType schema = new StructType().add(key, DataTypes.StringType)
        .add("embedding", DataTypes.createArrayType(DataTypes.FloatType, false));
    return spark.createDataFrame(rows, schema).repartition(
        2 * spark.sparkContext().defaultParallelism());
  }

  static float[] flatten(List<float[]> rows, int d) {
    float[] out = new float[rows.size() * d];
    for (int i = 0; i < rows.size(); i++) {
      System.arraycopy(rows.get(i), 0, out, i * d, d);
    }
    return out;
  }
}
