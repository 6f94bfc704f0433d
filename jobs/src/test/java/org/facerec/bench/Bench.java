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
import org.facerec.pipeline.StageTimes;
import org.facerec.pipeline.StageTimes.Stage;
import org.facerec.stage.Matching;

/**
 * facerec's benchmarks, printed as tables (scripts/bench). Every figure is the median of several
 * timed runs after a warm-up, on this machine.
 */
public final class Bench {
  static final int RUNS = 3;
  /** Images of each set in the per-stage table ({@code --images N}). */
  static int faceImages = 200;
  /**
   * Images of each set the peer runs on ({@code --peer-images N}), evenly spaced too: it runs at
   * a few images a second, and its rate per image does not depend on how many it is given (its
   * networks are loaded before the clock starts), where ours carries each job's fixed cost.
   */
  static int peerImages = 200;
  /** The million bench's sizes ({@code --residents N --probes M}). */
  static int millionResidents = 1_000_000;
  static int millionProbes = 10_000;
  /** The tables bench's residents rows ({@code --rows N}). */
  static int tableRows = 100_000;

  public static void main(String[] args) throws Exception {
    List<String> which = new ArrayList<>();
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--images" -> faceImages = Integer.parseInt(args[++i]);
        case "--peer-images" -> peerImages = Integer.parseInt(args[++i]);
        case "--residents" -> millionResidents = Integer.parseInt(args[++i]);
        case "--probes" -> millionProbes = Integer.parseInt(args[++i]);
        case "--rows" -> tableRows = Integer.parseInt(args[++i]);
        default -> which.add(args[i]);
      }
    }
    if (which.isEmpty()) {
      which = List.of("encoder", "enroll", "faces", "identify");
    }
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
      faces(encoderRate);
    }
    if (which.contains("identify")) {
      identify();
    }
    if (which.contains("tables")) {
      tables(tableRows);
    }
    if (which.contains("million")) {
      million(millionResidents, millionProbes);
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

  /**
   * Residents like real ones: each a real dlib encoding (golden/dlib-resnet, 78 LFW faces) with
   * Gaussian noise of {@code sigma} per value added, L2-normalised as the pipeline's are; a pure
   * function of the row's number, so a brute-force scan can make the table again row by row.
   */
  record Synthetic(float[][] centres, double sigma, long seed) implements java.io.Serializable {
    static Synthetic fromGoldens(double sigma, long seed) throws IOException {
      List<String> lines = Files.readAllLines(TestData.data("golden/dlib-resnet/embeddings.csv"));
      float[][] c = new float[lines.size() - 1][];
      for (int i = 1; i < lines.size(); i++) {
        String[] cells = lines.get(i).split(",");
        c[i - 1] = new float[cells.length - 1];
        for (int j = 1; j < cells.length; j++) {
          c[i - 1][j - 1] = Float.parseFloat(cells[j]);
        }
      }
      return new Synthetic(c, sigma, seed);
    }

    float[] row(long i) {
      Random r = new Random(seed * 1_000_003L + i);
      return noisy(centres[(int) (i % centres.length)], sigma, r);
    }

    static float[] noisy(float[] v, double sigma, Random r) {
      float[] out = new float[v.length];
      double norm = 0;
      for (int j = 0; j < v.length; j++) {
        out[j] = (float) (v[j] + sigma * r.nextGaussian());
        norm += out[j] * out[j];
      }
      float inv = (float) (1 / Math.sqrt(norm));
      for (int j = 0; j < v.length; j++) {
        out[j] *= inv;
      }
      return out;
    }
  }

  /**
   * identify against a residents table of {@code residentsN} synthetic encodings, written and
   * read as a real residents table, with {@code probesN} probes, through identify's own matching
   * (Matching.nearest with the shipped settings: a blocked join above 250,000 rows): wall time,
   * peak memory, pairs/s against the engine's matmul in the same run, and top-1 against a
   * brute-force scan of a sample of probes.
   */
  static void million(int residentsN, int probesN) throws Exception {
    int d = 128;
    Synthetic gen = Synthetic.fromGoldens(0.04, 7);
    SparkSession spark = Sessions.get(java.util.Map.of("spark.ui.showConsoleProgress", "false"));
    Settings settings = Settings.load(Settings.sessionConf(spark), null, List.of());
    Path dir = Files.createTempDirectory("facerec-bench-million");
    String table = dir.resolve("residents").toString();
    double writeSeconds;
    double matchSeconds;
    long peakHeap;
    long peakRss;
    List<Row> top;
    try (org.facerec.jobs.Run run = new org.facerec.jobs.Run(spark, RunConfig.of(settings))) {
      String modelId = run.model().id();
      java.sql.Timestamp now = new java.sql.Timestamp(System.currentTimeMillis());
      long t0 = System.nanoTime();
      Dataset<Row> rows = spark.range(residentsN).map(
          (org.apache.spark.api.java.function.MapFunction<Long, Row>) i -> RowFactory.create(
              "r" + i, "synthetic/" + i + ".jpg", Long.toHexString(i), modelId,
              gen.row(i), "OK", null, now, null, null),
          org.apache.spark.sql.Encoders.row(org.facerec.io.ResidentsTable.SCHEMA));
      // a Delta table, as enroll writes it: one commit of every row
      run.tables().replace(table, rows, "true");
      writeSeconds = (System.nanoTime() - t0) / 1e9;
      System.err.println("million bench: table written");

      Random r = new Random(11);
      List<float[]> probes = new ArrayList<>();
      for (int i = 0; i < probesN; i++) {
        // half near a resident (a second photo of someone enrolled), half near a centre only
        float[] base = i % 2 == 0 ? gen.row(r.nextInt(residentsN))
            : gen.centres()[r.nextInt(gen.centres().length)];
        probes.add(Synthetic.noisy(base, 0.02, r));
      }
      Dataset<Row> p = frame(spark, "probe_key", probes).cache();
      p.count();
      Dataset<Row> residents = org.facerec.io.ResidentsTable.usable(run.tables(), table, modelId,
          null).rows();
      resetPeaks();
      t0 = System.nanoTime();
      top = Matching.nearest(run.config().identify(), p, residents, 1, d).collectAsList();
      matchSeconds = (System.nanoTime() - t0) / 1e9;
      peakHeap = peakHeap();
      peakRss = peakRss();
      System.err.println("million bench: identify done");
    }
    spark.stop();

    // the engine's own float matmul over the same shapes, one block at a time
    int block = 25_000;
    int probeBlock = 1000;
    List<float[]> blockRows = new ArrayList<>();
    for (int i = 0; i < block; i++) {
      blockRows.add(gen.row(i));
    }
    double matmulPairsPerSecond;
    try (NDManager m = NDManager.newBaseManager()) {
      NDArray a = m.create(flatten(blockRows.subList(0, probeBlock), d), new Shape(probeBlock, d));
      NDArray bt = m.create(flatten(blockRows, d), new Shape(block, d)).transpose();
      double s = median(RUNS, () -> {
        long t = System.nanoTime();
        try (NDArray c = a.matMul(bt)) {
          c.getFloat(0, 0);
        }
        return (System.nanoTime() - t) / 1e9;
      });
      matmulPairsPerSecond = (double) probeBlock * block / s;
    }

    // brute force over a sample: the table made again row by row, every distance in double
    int sample = Math.min(50, probesN);
    java.util.Map<String, Row> byKey = new java.util.HashMap<>();
    for (Row row : top) {
      byKey.put(row.getString(0), row);
    }
    String[] bestId = new String[sample];
    double[] best = new double[sample];
    Arrays.fill(best, Double.MAX_VALUE);
    for (long i = 0; i < residentsN; i++) {
      float[] v = gen.row(i);
      for (int q = 0; q < sample; q++) {
        double dist = Distances.l2(probes(q, probesN, gen, residentsN), v);
        if (dist < best[q]) {
          best[q] = dist;
          bestId[q] = "r" + i;
        }
      }
    }
    int agree = 0;
    double worst = 0;
    for (int q = 0; q < sample; q++) {
      Row row = byKey.get("p" + q);
      Row first = (Row) row.getList(1).get(0);
      if (first.getString(0).equals(bestId[q])) {
        agree++;
      }
      worst = Math.max(worst, Math.abs(first.getDouble(1) - best[q]));
    }

    double pairs = (double) residentsN * probesN;
    System.out.printf(Locale.ROOT, "A million residents: identify's matching (Matching.nearest, "
        + "shipped settings) of %,d probes against a residents table of %,d synthetic "
        + "encodings (real dlib encodings + noise, L2-normalised), top-1%n", probesN, residentsN);
    System.out.println("| figure | value |");
    System.out.println("|--------|------:|");
    System.out.printf(Locale.ROOT, "| writing the residents table (s) | %.1f |%n", writeSeconds);
    System.out.printf(Locale.ROOT, "| matching, wall (s) | %.1f |%n", matchSeconds);
    System.out.printf(Locale.ROOT, "| pairs/s | %.3g |%n", pairs / matchSeconds);
    System.out.printf(Locale.ROOT, "| engine matmul alone, %d x %,d blocks (pairs/s) | %.3g |%n",
        probeBlock, block, matmulPairsPerSecond);
    System.out.printf(Locale.ROOT, "| matching / matmul | %.0f%% |%n",
        100 * pairs / matchSeconds / matmulPairsPerSecond);
    System.out.printf(Locale.ROOT, "| peak heap while matching (driver = executor, local) | %.2f "
        + "GB |%n", peakHeap / 1e9);
    System.out.printf(Locale.ROOT, "| peak resident memory of the JVM (heap + libtorch) | %.2f "
        + "GB |%n", peakRss / 1e9);
    System.out.printf(Locale.ROOT, "| top-1 equal to a brute-force scan (sample) | %d of %d "
        + "(largest distance difference %.1e) |%n%n", agree, sample, worst);
  }

  /** Probe {@code q} again (the probes are made in order from one seed). */
  private static float[] probes(int q, int probesN, Synthetic gen, int residentsN) {
    if (sampleProbes == null) {
      Random r = new Random(11);
      sampleProbes = new ArrayList<>();
      for (int i = 0; i < probesN; i++) {
        float[] base = i % 2 == 0 ? gen.row(r.nextInt(residentsN))
            : gen.centres()[r.nextInt(gen.centres().length)];
        sampleProbes.add(Synthetic.noisy(base, 0.02, r));
      }
    }
    return sampleProbes.get(q);
  }

  private static List<float[]> sampleProbes;

  static void resetPeaks() {
    for (var pool : java.lang.management.ManagementFactory.getMemoryPoolMXBeans()) {
      pool.resetPeakUsage();
    }
    try { // Linux: 5 resets the peak resident set size (VmHWM)
      Files.writeString(Path.of("/proc/self/clear_refs"), "5");
    } catch (IOException | RuntimeException e) {
      // the peak then covers the whole run
    }
  }

  static long peakHeap() {
    long sum = 0;
    for (var pool : java.lang.management.ManagementFactory.getMemoryPoolMXBeans()) {
      if (pool.getType() == java.lang.management.MemoryType.HEAP) {
        sum += pool.getPeakUsage().getUsed();
      }
    }
    return sum;
  }

  static long peakRss() throws IOException {
    for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
      if (line.startsWith("VmHWM:")) {
        return 1024 * Long.parseLong(line.replaceAll("\\D", ""));
      }
    }
    return -1;
  }

  /**
   * enroll with the default settings over {@link #faceImages} photos of lfw-dev and of
   * celeba-dev, stage by stage ({@link StageTimes}): milliseconds per image of thread time,
   * every task's summed; "Spark and the rest" is what the task slots' time holds besides the
   * stages (reading files, Spark's tasks, writing the table, idle slots).
   */
  static void faces(double encoderRate) throws Exception {
    List<String> sets = List.of("lfw-dev", "celeba-dev");
    List<String> peerSets = new ArrayList<>();
    Stage[] stages = Stage.values();
    int rows = stages.length + 4;
    double[][] table = new double[rows][sets.size()];
    int[] photos = new int[sets.size()]; // a set smaller than --images gives all it has
    SparkSession spark = Sessions.get(java.util.Map.of("spark.ui.showConsoleProgress", "false"));
    int slots = spark.sparkContext().defaultParallelism();
    for (int c = 0; c < sets.size(); c++) {
      Path root = TestData.data(sets.get(c) + "/images");
      Path manifest = subset(root, faceImages);
      photos[c] = Files.readAllLines(manifest).size() - 1; // the header
      peerSets.add(sets.get(c) + "=" + root + ":" + subset(root, Math.min(faceImages,
          peerImages)));
      Path out = Files.createTempDirectory("facerec-bench-faces");
      double[][] runs = new double[rows][RUNS];
      for (int run = -1; run < RUNS; run++) { // run -1: the warm-up
        StageTimes.reset();
        long t0 = System.nanoTime();
        int code = Facerec.run(new java.io.PrintWriter(java.io.Writer.nullWriter()),
            new java.io.PrintWriter(System.err, true), "enroll", "--manifest",
            manifest.toString(), "--images-root", root.toString(), "--table",
            out.resolve("residents-" + run).toString());
        double wallNs = System.nanoTime() - t0;
        if (code != 0) {
          throw new IllegalStateException("enroll failed");
        }
        if (run < 0) {
          continue;
        }
        double n = StageTimes.images();
        java.util.Map<Stage, Long> nanos = StageTimes.nanos();
        double staged = 0;
        for (Stage s : stages) {
          runs[s.ordinal()][run] = nanos.get(s) / n / 1e6;
          staged += nanos.get(s);
        }
        runs[stages.length][run] = (wallNs * slots - staged) / n / 1e6;
        runs[stages.length + 1][run] = wallNs * slots / n / 1e6;
        runs[stages.length + 2][run] = wallNs / n / 1e6;
        runs[stages.length + 3][run] = n / (wallNs / 1e9);
      }
      for (int r = 0; r < rows; r++) {
        Arrays.sort(runs[r]);
        table[r][c] = runs[r][RUNS / 2];
      }
    }
    spark.stop();
    System.out.printf(Locale.ROOT, "Whole pipeline, stage by stage: enroll with the default "
        + "settings over %d photos of lfw-dev and %d of celeba-dev (evenly spaced in file "
        + "order); ms per image of thread time, %d task slots; median of %d runs%n", photos[0],
        photos[1], slots, RUNS);
    System.out.println("| stage | lfw-dev | celeba-dev |");
    System.out.println("|-------|--------:|-----------:|");
    String[] names = new String[rows];
    for (Stage s : stages) {
      names[s.ordinal()] = s.name().toLowerCase(Locale.ROOT);
    }
    names[stages.length] = "Spark and the rest";
    names[stages.length + 1] = "**all (slots x wall)**";
    names[stages.length + 2] = "wall ms per image";
    names[stages.length + 3] = "**images/s**";
    for (int r = 0; r < rows; r++) {
      System.out.printf(Locale.ROOT, "| %s | %.1f | %.1f |%n", names[r], table[r][0],
          table[r][1]);
    }
    System.out.println();
    String peer = System.getProperty("facerec.bench.peer");
    if (peer == null || !Files.isRegularFile(Path.of(peer))) {
      System.out.println("(no peer: scripts/bench runs face-api.js beside us when node and npm "
          + "are installed)\n");
      return;
    }
    if (encoderRate == 0) {
      encoderRate = encoder(false);
    }
    var json = peer(peer, peerSets);
    double[] ours = new double[sets.size()];
    for (int c = 0; c < sets.size(); c++) {
      ours[c] = table[stages.length + 3][c];
    }
    System.out.printf(Locale.ROOT, "facerec beside face-api.js %s (@vladmandic/face-api 1.7.15, "
        + "TF.js %s, %s backend, SIMD %s, 1 thread; its own pipeline: SSD at 0.5, 68-landmark "
        + "net, descriptor), same images, same run:%n", "in Node " + json.path("node").asText(),
        json.path("tfjs").asText(), json.path("backend").asText(), json.path("simd").asText());
    System.out.println("| work | facerec | face-api.js | ratio |");
    System.out.println("|------|--------:|------------:|------:|");
    double peerEncoder = json.path("encoderImagesPerSecond").asDouble();
    System.out.printf(Locale.ROOT, "| encoder alone, 150x150 chips, batch 32 (images/s) | %.1f "
        + "| %.1f | %.1fx |%n", encoderRate, peerEncoder, encoderRate / peerEncoder);
    for (int c = 0; c < sets.size(); c++) {
      var set = json.path("sets").path(sets.get(c));
      double rate = set.path("imagesPerSecond").asDouble();
      System.out.printf(Locale.ROOT, "| whole pipeline, %s (images/s; facerec: enroll of %d "
          + "photos; face-api.js: %d of the set, found %d) | %.1f | %.1f | %.1fx |%n",
          sets.get(c), photos[c], set.path("images").asInt(), set.path("found").asInt(),
          ours[c], rate, ours[c] / rate);
    }
    System.out.println();
  }

  /** Runs the peer's bench in Node (scripts/lib/peer) on {@code sets}: its JSON line. */
  static com.fasterxml.jackson.databind.JsonNode peer(String script, List<String> sets)
      throws IOException, InterruptedException {
    List<String> cmd = new ArrayList<>(List.of("node", script, TestData.modelsDir().toString(),
        Integer.toString(RUNS), TestData.data("golden/dlib-resnet/crops").toString()));
    cmd.addAll(sets);
    Process p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.INHERIT).start();
    String out = new String(p.getInputStream().readAllBytes(),
        java.nio.charset.StandardCharsets.UTF_8);
    if (p.waitFor() != 0) {
      throw new IllegalStateException("the peer's bench failed (node " + script + ")");
    }
    return new com.fasterxml.jackson.databind.ObjectMapper().readTree(out);
  }

  /** A manifest of {@code n} images of {@code root}, evenly spaced in file order. */
  static Path subset(Path root, int n) throws IOException {
    List<Path> all;
    try (var files = Files.walk(root)) {
      all = files.filter(p -> p.toString().endsWith(".jpg")).sorted().toList();
    }
    StringBuilder csv = new StringBuilder("resident_id,path\n");
    int take = Math.min(n, all.size());
    for (int i = 0; i < take; i++) {
      String rel = root.relativize(all.get((int) ((long) i * all.size() / take))).toString();
      csv.append(rel.replace('/', '_').replace(".jpg", "")).append(',').append(rel)
          .append('\n');
    }
    Path m = Files.createTempFile("facerec-bench-", ".csv");
    return Files.writeString(m, csv);
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
