package org.facerec.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.facerec.TestData;
import org.facerec.cli.Facerec;
import org.facerec.io.Tables;
import org.facerec.jobs.StandaloneCluster.App;
import org.facerec.jobs.StandaloneCluster.Executor;
import org.facerec.jobs.StandaloneCluster.TaskRetries;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every job through a real Spark standalone cluster: a master and two workers of one core each
 * (scripts/cluster, separate JVMs on 127.0.0.1), each worker running its own executor JVM, and
 * facerec's spark jar submitted with Spark's SparkSubmit in client mode (once in cluster deploy
 * mode, once by facerec's own command line with {@code --spark spark.master=spark://...}).
 *
 * <p>Each job's outputs are compared with a {@code local[*]} run of the same command in this JVM
 * (the command line's own local session): CSV files byte for byte, Parquet tables row for row.
 * The only values left out are those that say when a run happened: the residents table's and
 * enroll.csv's {@code enrolled_at} (the run's start) and the HTML reports (they show the run's
 * time); nothing else differs. The executors' logs must show each model built once per executor.
 *
 * <p>Then failures: an executor JVM killed (kill -9 of the process its worker launched) while its
 * task is encoding (enroll) and while it is matching (identify, blocked join), found by its
 * thread dump; the job must finish with exit 0 and the outputs of an undisturbed run, every task
 * it lost run again. And the driver killed while executors write the table: the previous table
 * stays whole, and the next run writes what a clean run writes.
 *
 * <p>Several minutes on two cores: behind {@code scripts/test cluster} (tag "cluster").
 */
@Tag("cluster")
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ClusterIT {
  static final Path HH = StandaloneCluster.ROOT.resolve("sample-data/happy-house");
  static final String HH_CONF = HH.resolve("facerec.conf").toString();
  /**
   * lfw-dev people with two photos or more: the first photo of each as a gallery, their other
   * photos as probes (identify, without detection); and the first of the gallery as residents
   * enrolled with the default detection and alignment.
   */
  static final int LFW_GALLERY = 300;
  static final int LFW_PROBES = 300;
  static final int LFW_RESIDENTS = 60;
  /** What every run gets, local or on the cluster. */
  static final List<String> MODELS = List.of("--set", "facerec.models.dir="
      + TestData.modelsDir());
  /** lfw-dev without detection, for the many photos identify matches. */
  static final List<String> LFW_FAST = List.of("--align", "none", "--framing", "lfw");

  @TempDir
  static Path dir;
  static StandaloneCluster cluster;
  static SparkSession spark;
  static Path hhImages;
  static Path lfwResidents;
  static Path lfwGallery;
  static Path lfwProbes;
  static Path pairs;
  static Path local;
  static Path remote;
  /** The local runs so far. */
  static final Set<List<String>> ranLocally = new java.util.HashSet<>();
  /** Figures for the log: wall times, retries, memory. */
  static final Map<String, String> figures = new LinkedHashMap<>();

  @BeforeAll
  static void startTheClusterAndPrepareTheInputs() throws Exception {
    // the command line's own local[*] session; the local runs below join it. On a machine so
    // busy that this JVM stalls for over 2 min, Spark's default network timeout has the session
    // drop its own in-process executor, which then exits this JVM (code 56, seen here at a load
    // average of 158): a longer timeout outlasts such stalls
    spark = Sessions.get(Map.of("spark.ui.showConsoleProgress", "false",
        "spark.network.timeout", "600s"));
    hhImages = TestData.data("happy-house/images");
    local = Files.createDirectories(dir.resolve("local"));
    remote = Files.createDirectories(dir.resolve("remote"));
    lfwSubsets();
    pairs = pairsSubset();
    cluster = new StandaloneCluster(Files.createDirectories(dir.resolve("cluster")));
  }

  @AfterAll
  static void stopTheCluster() throws Exception {
    try {
      if (cluster != null) {
        cluster.peakRssKb.forEach((k, v) -> figures.put("peak RSS of executor " + k,
            String.format(Locale.ROOT, "%.0f MB", v / 1024.0)));
        cluster.close();
      }
    } finally {
      spark.stop();
      SparkSession.clearDefaultSession();
      SparkSession.clearActiveSession();
      StringBuilder b = new StringBuilder("ClusterIT figures:\n");
      figures.forEach((k, v) -> b.append("  ").append(k).append(": ").append(v).append('\n'));
      System.out.print(b);
    }
  }

  @Test
  @Order(1)
  void enrollAFolderInClientModeAndAManifestInClusterModeAndFromTheCommandLine()
      throws Exception {
    // a folder of lfw-dev photos, faces detected and aligned, spark-submit in client mode: two
    // executors, one per worker
    List<String> lfw = lfwEnroll("lfw/residents");
    local(lfw, local);
    App app = submit("enroll-folder", List.of(), lfw);
    String appId = app.requireAppId();
    assertThat(cluster.executors(appId)).extracting(e -> e.workDir().getParent().getParent()
        .getFileName().toString()).containsExactlyInAnyOrder("worker-1", "worker-2");
    modelsBuiltOncePerExecutor(appId, true);
    sameEnrolment("lfw");

    // a manifest, spark-submit in cluster deploy mode: the driver runs on a worker
    List<String> hh = hhEnroll("hh/residents", HH.resolve("residents.csv"));
    local(hh, local);
    App cm = cluster.submit("enroll-cluster-mode", List.of("--deploy-mode", "cluster",
        "--conf", "spark.standalone.submit.waitAppCompletion=true"), at(hh, remote));
    cm.succeed();
    figures.put("enroll happy-house, cluster deploy mode", seconds(cm));
    Path driver = driverFolder();
    assertThat(Files.readString(driver.resolve("stdout"))).contains("facerec enroll: 12 images")
        .contains("OK               12");
    modelsBuiltOncePerExecutor(cm.requireAppId(), true);
    sameEnrolment("hh");

    // the same manifest from facerec's own command line, its master a --spark setting
    deleteTree(remote.resolve("hh"));
    List<String> cmd = new ArrayList<>(List.of(StandaloneCluster.ROOT.resolve("scripts/facerec")
        .toString()));
    cmd.addAll(at(hh, remote));
    cmd.addAll(List.of("--spark", "spark.master=" + cluster.masterUrl(),
        "--spark", "spark.executor.memory=1g"));
    App cli = cluster.start("enroll-command-line", cmd, Map.of("FACEREC_JAVA_OPTS", "-Xmx1g"));
    assertThat(cli.succeed()).contains("facerec enroll: 12 images");
    figures.put("enroll happy-house, scripts/facerec --spark spark.master=spark://...",
        seconds(cli));
    String cliApp = cli.requireAppId();
    assertThat(cluster.executors(cliApp)).hasSize(2);
    assertThat(cluster.executors(cliApp).get(0).stderr()) // the jar the command line shipped
        .contains("Fetching spark://").contains("/jars/" + StandaloneCluster.sparkJar()
            .getFileName());
    modelsBuiltOncePerExecutor(cliApp, true);
    sameEnrolment("hh");
  }

  @Test
  @Order(2)
  void verifyAndIdentifyBroadcastAndBlocked() throws Exception {
    localOnce(hhEnroll("hh/residents", HH.resolve("residents.csv"))); // both runs' input
    modelsBuiltOncePerExecutor(bothWays("verify", hhVerify()), true);
    sameCsv("verify/verify.csv");
    sameTable("verify/verify.parquet");

    modelsBuiltOncePerExecutor(bothWays("identify-broadcast", hhIdentify("identify")), true);
    sameCsv("identify/identify.csv");
    sameTable("identify/identify.parquet");
    // the blocked join, forced: every probe block meets every resident block of 2 encodings
    bothWays("identify-blocked", with(hhIdentify("identify-blocked"),
        "--set", "facerec.identify.broadcast-max-rows=0",
        "--set", "facerec.identify.block-rows=2"));
    sameCsv("identify-blocked/identify.csv");
    sameTable("identify-blocked/identify.parquet");
    // and it finds what the broadcast finds
    assertThat(Files.readString(remote.resolve("identify-blocked/identify.csv")))
        .isEqualTo(Files.readString(remote.resolve("identify/identify.csv")));
  }

  @Test
  @Order(3)
  void evaluateWithDetectionAndLandmarks() throws Exception {
    // the default face settings: the detector and landmark nets broadcast and built per executor
    List<String> evaluate = cmd("evaluate", "--pairs", pairs.toString(), "--images",
        TestData.data("lfw-dev/images").toString(), "--out", "{}/evaluate");
    String appId = bothWays("evaluate", evaluate);
    modelsBuiltOncePerExecutor(appId, true);
    for (String f : List.of("metrics.json", "pairs.csv", "failed_images.csv")) {
      sameCsv("evaluate/" + f);
    }
    assertThat(Files.readString(remote.resolve("evaluate/metrics.json"))).contains("\"auc\"");
  }

  @Test
  @Order(4)
  void queryWithTheFaceFunctionsAndErase() throws Exception {
    localOnce(hhEnroll("hh/residents", HH.resolve("residents.csv")));
    String table = local.resolve("hh/residents").toString();
    String pairwise = "SELECT a.resident_id, b.resident_id AS other, "
        + "face_distance(a.embedding, b.embedding) AS distance, "
        + "face_cosine(a.embedding, b.embedding) AS cosine, "
        + "face_match(a.embedding, b.embedding) AS same "
        + "FROM residents a JOIN residents b ON a.resident_id < b.resident_id "
        + "ORDER BY a.resident_id, other";
    bothWays("query-pairs", hh("query", "--table", "residents=" + table, "--out",
        "{}/query/pairs.csv", pairwise));
    sameCsv("query/pairs.csv");
    // face_embed on the executors, face_nearest against the broadcast table
    String cameras = "SELECT path, face_nearest(face_embed(content), 'residents', 3) AS nearest, "
        + "face_embed_result(content).status AS status FROM binaryFile.`" + hhImages
        + "` WHERE path LIKE '%camera%' ORDER BY path";
    String appId = bothWays("query-embed", hh("query", "--table", "residents=" + table, "--out",
        "{}/query/cameras.csv", cameras));
    modelsBuiltOncePerExecutor(appId, true);
    sameCsv("query/cameras.csv");
    assertThat(Files.readAllLines(remote.resolve("query/cameras.csv"))).hasSize(7);

    // erase benoit from copies of the same table and outputs, locally and on the cluster
    localOnce(hhVerify());
    localOnce(hhIdentify("identify"));
    for (Path side : List.of(local, remote)) {
      copyTree(local.resolve("hh"), side.resolve("erase/hh"));
      copyTree(local.resolve("verify"), side.resolve("erase/verify"));
      copyTree(local.resolve("identify"), side.resolve("erase/identify"));
    }
    bothWays("erase", cmd("erase", "--resident", "benoit", "--table",
        "{}/erase/hh/residents", "--out", "{}/erase/verify", "{}/erase/identify"));
    sameTable("erase/hh/residents");
    sameTable("erase/verify/verify.parquet");
    sameTable("erase/identify/identify.parquet");
    for (String csv : List.of("erase/hh/enroll.csv", "erase/verify/verify.csv",
        "erase/identify/identify.csv")) {
      sameCsv(csv);
      assertThat(Files.readString(remote.resolve(csv))).doesNotContain("benoit");
    }
    assertThat(remote.resolve("erase/verify/verify-report.html")).doesNotExist();
  }

  @Test
  @Order(5)
  void anExecutorKilledWhileEnrollEncodes() throws Exception {
    // the command of the first test, whose local run is the undisturbed one
    localOnce(lfwEnroll("lfw/residents"));
    List<String> lfw = lfwEnroll("lfw-killed/residents");
    App app = cluster.submit("enroll-killed", List.of(), at(lfw, remote));
    Executor killed = killWhileIn(app, "org.facerec.spark.EncodePartition");
    app.succeed();
    figures.put("enroll lfw subset, an executor killed", seconds(app));
    TaskRetries r = retries(app, "enroll", killed);
    assertThat(r.lostWithExecutor()).isGreaterThanOrEqualTo(1);
    modelsBuiltOncePerExecutor(app.requireAppId(), true);
    sameTable(local.resolve("lfw/residents"), remote.resolve("lfw-killed/residents"),
        "enrolled_at");
    sameCsv(local.resolve("lfw/enroll.csv"), remote.resolve("lfw-killed/enroll.csv"),
        "enrolled_at");
  }

  @Test
  @Order(6)
  void anExecutorKilledWhileIdentifyMatches() throws Exception {
    // a gallery of 300 without detection, enrolled locally, and 300 probes matched against it
    // in blocks of 2 encodings: tens of thousands of block pairs, seconds of matching
    List<String> gallery = cmd("enroll", "--images", lfwGallery.toString(), "--table",
        "{}/lfw-gallery/residents");
    gallery.addAll(LFW_FAST);
    localOnce(gallery);
    List<String> identify = cmd("identify", "--images", lfwProbes.toString(),
        "--table", local.resolve("lfw-gallery/residents").toString(), "--out", "{}/lfw-identify",
        "--top-k", "3", "--set", "facerec.identify.broadcast-max-rows=0",
        "--set", "facerec.identify.block-rows=2");
    identify.addAll(LFW_FAST);
    local(identify, local);
    App app = cluster.submit("identify-killed", List.of(), at(identify, remote));
    Executor killed = killWhileIn(app, "org.facerec.spark.Matches$Blocked");
    app.succeed();
    figures.put("identify lfw subset (blocked), an executor killed", seconds(app));
    TaskRetries r = retries(app, "identify", killed);
    assertThat(r.lostWithExecutor()).isGreaterThanOrEqualTo(1);
    modelsBuiltOncePerExecutor(app.requireAppId(), false);
    sameCsv("lfw-identify/identify.csv");
    sameTable("lfw-identify/identify.parquet");
    assertThat(Files.readAllLines(remote.resolve("lfw-identify/identify.csv")))
        .hasSize(LFW_PROBES + 1).doesNotHaveDuplicates();
  }

  @Test
  @Order(7)
  void theDriverKilledWhileTheTableIsWrittenLeavesThePreviousTable() throws Exception {
    List<String> all = Files.readAllLines(HH.resolve("residents.csv"));
    Path eight = Files.write(dir.resolve("residents-8.csv"), all.subList(0, 9));
    Path twelve = HH.resolve("residents.csv");
    // the clean result: 8 residents, then all 12, locally
    local(hhEnroll("clean/residents", eight), local);
    local(hhEnroll("clean/residents", twelve), local);
    // on the cluster, a copy of the 8-resident table is updated with all 12, and the driver dies
    Path table = remote.resolve("killed/residents");
    local(hhEnroll("killed/residents", eight), remote);
    List<Row> before = rows(Tables.read(spark, table.toString(), Map.of()));
    assertThat(before).hasSize(8);

    Path marker = dir.resolve("paused");
    Path classes = pausingClasses();
    App app = cluster.submit("enroll-driver-killed", List.of(
        "--driver-class-path", classes.toString(),
        "--conf", "spark.executor.extraClassPath=" + classes,
        "--conf", "spark.hadoop.fs.file.impl=" + PausingFileSystem.class.getName(),
        "--conf", "spark.hadoop.fs.file.impl.disable.cache=true",
        "--conf", "spark.hadoop." + PausingFileSystem.MARKER + "=" + marker,
        // the MERGE's first data file, written into the Delta table before its commit
        "--conf", "spark.hadoop." + PausingFileSystem.UNDER + "=" + table + "/part-"),
        at(hhEnroll("killed/residents", twelve), remote));
    long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(10);
    while (!Files.exists(marker) && app.process.isAlive() && System.nanoTime() < deadline) {
      Thread.sleep(100);
    }
    assertThat(marker).as("an executor began writing the table; output:%n%s", app.output())
        .exists();
    String appId = app.requireAppId();
    app.process.destroyForcibly(); // kill -9 of the driver's JVM
    assertThat(app.waitFor()).isEqualTo(137);
    // the master ends the application; its workers stop the executors
    deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(3);
    while (cluster.executors(appId).stream().anyMatch(Executor::alive)
        && System.nanoTime() < deadline) {
      Thread.sleep(500);
    }
    assertThat(cluster.executors(appId)).noneMatch(Executor::alive);

    try (Stream<Path> s = Files.list(remote.resolve("killed"))) {
      assertThat(s.map(p -> p.getFileName().toString()).filter(n -> !n.startsWith(".")))
          .as("visible after the driver was killed").containsExactlyInAnyOrder("residents",
              "enroll.csv");
    }
    assertThat(rows(Tables.read(spark, table.toString(), Map.of()))).isEqualTo(before);

    // the next run, undisturbed, on the cluster: what the clean run wrote; the leftovers gone
    submit("enroll-after-kill", List.of(), hhEnroll("killed/residents", twelve));
    sameTable(local.resolve("clean/residents"), table, "enrolled_at");
    sameCsv(local.resolve("clean/enroll.csv"), remote.resolve("killed/enroll.csv"),
        "enrolled_at");
    try (Stream<Path> s = Files.list(remote.resolve("killed"))) {
      assertThat(s.map(p -> p.getFileName().toString()).filter(n -> !n.endsWith(".crc")))
          .containsExactlyInAnyOrder("residents", "enroll.csv");
    }
  }

  // ---- commands

  /** enroll of the lfw-dev residents folder into {@code {}/TABLE}, the default face settings. */
  static List<String> lfwEnroll(String table) {
    return cmd("enroll", "--images", lfwResidents.toString(), "--table", "{}/" + table);
  }

  /** enroll of a Happy House manifest into {@code {}/TABLE}, with the demo's settings. */
  static List<String> hhEnroll(String table, Path manifest) {
    return hh("enroll", "--manifest", manifest.toString(), "--images-root", hhImages.toString(),
        "--table", "{}/" + table);
  }

  /** verify of the Happy House badge events against the local residents table. */
  static List<String> hhVerify() {
    return hh("verify", "--events", HH.resolve("badge-events.csv").toString(), "--images-root",
        hhImages.toString(), "--table", local.resolve("hh/residents").toString(), "--out",
        "{}/verify");
  }

  /** identify of the Happy House camera log against the local residents table, top 3. */
  static List<String> hhIdentify(String out) {
    return hh("identify", "--log", HH.resolve("camera-log.csv").toString(), "--images-root",
        hhImages.toString(), "--table", local.resolve("hh/residents").toString(), "--top-k", "3",
        "--out", "{}/" + out);
  }

  static List<String> hh(String... args) {
    List<String> a = cmd(args);
    a.addAll(List.of("--conf", HH_CONF));
    return a;
  }

  /** A facerec command line, with the models folder every run gets. */
  static List<String> cmd(String... args) {
    List<String> a = new ArrayList<>(Arrays.asList(args));
    a.addAll(MODELS);
    return a;
  }

  static List<String> with(List<String> base, String... more) {
    List<String> a = new ArrayList<>(base);
    a.addAll(Arrays.asList(more));
    return a;
  }

  /** The command with {@code {}} in its arguments replaced by {@code root}. */
  static List<String> at(List<String> args, Path root) {
    return args.stream().map(a -> a.replace("{}", root.toString())).toList();
  }

  // ---- running

  /** Runs the command locally unless an earlier test did (each test can run alone). */
  static void localOnce(List<String> args) {
    if (ranLocally.add(at(args, local))) {
      local(args, local);
    }
  }

  /** Runs the command in this JVM's local[*] session, as facerec's command line does. */
  static void local(List<String> args, Path root) {
    ranLocally.add(at(args, root));
    StringWriter err = new StringWriter();
    long t0 = System.nanoTime();
    int code = Facerec.run(new PrintWriter(new StringWriter(), true), new PrintWriter(err, true),
        at(args, root).toArray(new String[0]));
    assertThat(code).as("local facerec %s%n%s", String.join(" ", at(args, root)), err)
        .isZero();
    figures.merge("local runs, seconds", String.format(Locale.ROOT, "%.1f",
        (System.nanoTime() - t0) / 1e9), (a, b) -> a + " " + b);
  }

  /** Runs the command with spark-submit in client mode (outputs under remote), to success. */
  static App submit(String name, List<String> submitArgs, List<String> args) throws Exception {
    App app = cluster.submit(name, submitArgs, at(args, remote));
    app.succeed();
    figures.put(name, seconds(app));
    return app;
  }

  /** The command locally and on the cluster (client mode); the cluster run's app id. */
  static String bothWays(String name, List<String> args) throws Exception {
    local(args, local);
    App app = submit(name, List.of(), args);
    return app.requireAppId();
  }

  static String seconds(App app) {
    return String.format(Locale.ROOT, "%.1f s", app.wallSeconds());
  }

  /** The folder of the driver the last cluster deploy mode submission ran on a worker. */
  static Path driverFolder() throws IOException {
    List<Path> drivers = new ArrayList<>();
    for (int w = 1; w <= 2; w++) {
      try (Stream<Path> s = Files.list(cluster.dir.resolve("worker-" + w))) {
        s.filter(p -> p.getFileName().toString().startsWith("driver-")).forEach(drivers::add);
      }
    }
    assertThat(drivers).hasSize(1);
    return drivers.get(0);
  }

  /**
   * Kills (kill -9) the first executor of the app caught with {@code frame} in its threads: its
   * process, found through its worker, while its task runs that code.
   */
  static Executor killWhileIn(App app, String frame) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(10);
    while (app.process.isAlive() && System.nanoTime() < deadline) {
      var id = app.appId();
      if (id.isPresent()) {
        for (Executor e : cluster.executors(id.get())) {
          if (e.pid() > 0 && StandaloneCluster.threadDump(e.pid()).contains(frame)) {
            ProcessHandle.of(e.pid()).ifPresent(ProcessHandle::destroyForcibly);
            figures.put(app.name + ": killed", "executor " + e.id() + " (pid " + e.pid()
                + ") with a thread in " + frame);
            return e;
          }
        }
      }
      Thread.sleep(100);
    }
    throw new AssertionError("no executor of " + app.name + " was seen in " + frame
        + "; output:\n" + app.output());
  }

  /** The killed executor's lost tasks, and every one of them run again. */
  static TaskRetries retries(App app, String job, Executor killed) throws IOException {
    String appId = app.requireAppId();
    TaskRetries r = cluster.taskRetries(appId);
    figures.put(app.name + ": tasks", String.format(Locale.ROOT, "%d task attempts; %d lost with "
        + "the executor, %d finished map tasks resubmitted, %d fetch failures; %d attempts were "
        + "re-runs", r.tasks(), r.lostWithExecutor(), r.resubmitted(), r.fetchFailed(),
        r.rerunAttempts()));
    assertThat(r.rerunAttempts()).as("re-run attempts").isGreaterThanOrEqualTo(
        r.lostWithExecutor());
    assertThat(killed.alive()).isFalse();
    assertThat(killed.stderr()).as("the killed executor ran part of the %s", job)
        .contains("Running task");
    return r;
  }

  /**
   * Each executor's log shows the encoder (and the face finder) built at most once; {@code
   * detects}: the job finds faces (the defaults do, the Happy House's conf included; LFW_FAST
   * does not).
   */
  static void modelsBuiltOncePerExecutor(String appId, boolean detects) throws IOException {
    List<Executor> executors = cluster.executors(appId);
    assertThat(executors).isNotEmpty();
    int encoders = 0;
    for (Executor e : executors) {
      String log = e.stderr();
      int built = count(log, "ModelHolder: building dlib-resnet-v1");
      assertThat(built).as("encoders built by executor %s of %s", e.id(), appId)
          .isLessThanOrEqualTo(1);
      encoders += built;
      int finders = count(log, "ModelHolder: building the face detector");
      assertThat(finders).as("face finders built by executor %s", e.id()).isEqualTo(
          detects ? built : 0);
    }
    assertThat(encoders).as("executors of %s that built the encoder", appId)
        .isGreaterThanOrEqualTo(1);
  }

  static int count(String text, String what) {
    int n = 0;
    for (int i = text.indexOf(what); i >= 0; i = text.indexOf(what, i + 1)) {
      n++;
    }
    return n;
  }

  // ---- comparing

  static void sameEnrolment(String name) throws IOException {
    sameTable(local.resolve(name + "/residents"), remote.resolve(name + "/residents"),
        "enrolled_at");
    sameCsv(local.resolve(name + "/enroll.csv"), remote.resolve(name + "/enroll.csv"),
        "enrolled_at");
  }

  static void sameTable(String relative) throws IOException {
    sameTable(local.resolve(relative), remote.resolve(relative));
  }

  /** Both tables hold the same rows (as multisets), {@code ignored} columns left out. */
  static void sameTable(Path expected, Path actual, String... ignored) throws IOException {
    List<Row> want = rows(Tables.read(spark, expected.toString(), Map.of()).drop(ignored));
    List<Row> got = rows(Tables.read(spark, actual.toString(), Map.of()).drop(ignored));
    assertThat(got).as("rows of %s", actual).isNotEmpty().hasSameSizeAs(want)
        .containsExactlyInAnyOrderElementsOf(want);
  }

  static List<Row> rows(Dataset<Row> d) {
    return d.collectAsList();
  }

  static void sameCsv(String relative) throws IOException {
    sameCsv(local.resolve(relative), remote.resolve(relative));
  }

  /** The same bytes; with {@code ignored} columns, the same bytes in every other column. */
  static void sameCsv(Path expected, Path actual, String... ignored) throws IOException {
    assertThat(actual).exists();
    if (ignored.length == 0) {
      assertThat(Files.mismatch(expected, actual)).as("first differing byte of %s", actual)
          .isEqualTo(-1L);
      return;
    }
    assertThat(withoutColumns(actual, ignored)).isEqualTo(withoutColumns(expected, ignored));
  }

  /** The file's lines with the named columns cut out, every other field as written. */
  static List<String> withoutColumns(Path csv, String... columns) throws IOException {
    List<String> lines = Files.readAllLines(csv, StandardCharsets.UTF_8);
    List<String> header = CsvText.fields(lines.get(0));
    Set<Integer> cut = new java.util.HashSet<>();
    for (String c : columns) {
      assertThat(header).as("columns of %s", csv).contains(c);
      cut.add(header.indexOf(c));
    }
    List<String> out = new ArrayList<>();
    for (String line : lines) {
      List<String> f = CsvText.fields(line);
      List<String> kept = new ArrayList<>();
      for (int i = 0; i < f.size(); i++) {
        if (!cut.contains(i)) {
          kept.add(f.get(i));
        }
      }
      out.add(String.join(",", kept));
    }
    return out;
  }

  // ---- inputs

  /** The lfw-dev subsets ({@link #LFW_GALLERY}), as links to the shared files. */
  static void lfwSubsets() throws IOException {
    lfwResidents = Files.createDirectories(dir.resolve("lfw-residents"));
    lfwGallery = Files.createDirectories(dir.resolve("lfw-gallery"));
    lfwProbes = Files.createDirectories(dir.resolve("lfw-probes"));
    Path images = TestData.data("lfw-dev/images");
    int gallery = 0;
    int probes = 0;
    List<Path> people;
    try (Stream<Path> s = Files.list(images)) {
      people = s.filter(Files::isDirectory).sorted().toList();
    }
    for (Path person : people) {
      List<Path> photos;
      try (Stream<Path> s = Files.list(person)) {
        photos = s.sorted().toList();
      }
      if (photos.size() < 2 || gallery == LFW_GALLERY) {
        continue;
      }
      link(photos.get(0), lfwGallery);
      if (gallery < LFW_RESIDENTS) {
        link(photos.get(0), lfwResidents);
      }
      gallery++;
      for (Path p : photos.subList(1, photos.size())) {
        if (probes < LFW_PROBES) {
          link(p, lfwProbes);
          probes++;
        }
      }
    }
    assertThat(gallery).isEqualTo(LFW_GALLERY);
    assertThat(probes).isEqualTo(LFW_PROBES);
  }

  private static void link(Path photo, Path root) throws IOException {
    Path folder = Files.createDirectories(root.resolve(photo.getParent().getFileName()));
    Files.createSymbolicLink(folder.resolve(photo.getFileName()), photo);
  }

  /** 10 genuine and 10 impostor pairs of each of lfw-dev's first two folds. */
  static Path pairsSubset() throws IOException {
    List<String> lines = Files.readAllLines(TestData.data("lfw-dev/pairs.csv"));
    Map<String, Integer> taken = new TreeMap<>();
    List<String> out = new ArrayList<>(List.of(lines.get(0)));
    for (String line : lines.subList(1, lines.size())) {
      List<String> f = CsvText.fields(line);
      String key = f.get(0) + "/" + f.get(3);
      if ((f.get(0).equals("1") || f.get(0).equals("2")) && taken.merge(key, 1, Integer::sum)
          <= 10) {
        out.add(line);
      }
    }
    assertThat(out).hasSize(41);
    return Files.write(dir.resolve("pairs.csv"), out);
  }

  /** PausingFileSystem's class alone, for the driver's and executors' class paths. */
  static Path pausingClasses() throws Exception {
    String file = PausingFileSystem.class.getName().replace('.', '/') + ".class";
    Path from = Paths.get(PausingFileSystem.class.getProtectionDomain().getCodeSource()
        .getLocation().toURI()).resolve(file);
    Path to = dir.resolve("pausing-classes").resolve(file);
    Files.createDirectories(to.getParent());
    Files.copy(from, to);
    return dir.resolve("pausing-classes");
  }

  static void copyTree(Path from, Path to) throws IOException {
    try (Stream<Path> s = Files.walk(from)) {
      for (Path p : s.toList()) {
        Path t = to.resolve(from.relativize(p).toString());
        if (Files.isDirectory(p)) {
          Files.createDirectories(t);
        } else {
          Files.copy(p, t);
        }
      }
    }
  }

  static void deleteTree(Path p) throws IOException {
    if (!Files.exists(p)) {
      return;
    }
    try (Stream<Path> s = Files.walk(p)) {
      for (Path f : s.sorted(java.util.Comparator.reverseOrder()).toList()) {
        Files.delete(f);
      }
    }
  }
}
