package org.facerec.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.permission.FsPermission;
import org.apache.hadoop.fs.s3a.S3AFileSystem;
import org.apache.hadoop.util.Progressable;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.LogEvent;
import org.apache.logging.log4j.core.LoggerContext;
import org.apache.logging.log4j.core.appender.AbstractAppender;
import org.apache.logging.log4j.core.config.LoggerConfig;
import org.apache.logging.log4j.core.config.Property;
import org.apache.spark.sql.Row;
import org.facerec.TestData;
import org.facerec.io.Outputs;
import org.facerec.io.Tables;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every input and output on s3a://, against a real S3 server (S3Proxy in its own JVM): enroll,
 * verify, identify and erase; the server killed in the middle of an enroll write; and the secret
 * key never printed, in any output or log, S3A and AWS SDK debug logs included.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class S3IT extends SparkTest {
  static final String SECRET = "s3cr3t-" + UUID.randomUUID();
  static final Path SAMPLES = HappyHouseStoryTest.SAMPLES;
  static final String CONF = SAMPLES.resolve("facerec.conf").toString();

  @TempDir
  static Path dir;
  static S3Server s3;
  static Capture logs;
  /** Everything the commands printed. */
  static final StringBuilder printed = new StringBuilder();

  @BeforeAll
  static void startS3AndUploadTheInputs() throws IOException {
    s3 = new S3Server(dir, "facerec", SECRET);
    Configuration c = spark.sparkContext().hadoopConfiguration();
    s3.configure(c);
    c.set("fs.s3a.impl", FaultyS3A.class.getName());
    logs = Capture.attach();
    FileSystem fs = s3a();
    Path images = TestData.data("happy-house/images");
    fs.copyFromLocalFile(false, true, new org.apache.hadoop.fs.Path(images.toUri()),
        new org.apache.hadoop.fs.Path(s3.uri("in/images")));
    for (String csv : List.of("residents.csv", "badge-events.csv", "camera-log.csv")) {
      put("in/" + csv, Files.readString(SAMPLES.resolve(csv)));
    }
    List<String> eight = Files.readAllLines(SAMPLES.resolve("residents.csv")).subList(0, 9);
    put("in/residents-8.csv", String.join("\n", eight) + "\n");
    // the clean run every other table is compared with
    run("enroll", "--manifest", s3.uri("in/residents.csv"), "--images-root",
        s3.uri("in/images"), "--table", s3.uri("tables/residents"), "--conf", CONF);
  }

  @AfterAll
  static void stopS3() throws InterruptedException {
    if (logs != null) {
      logs.detach();
    }
    if (s3 != null) {
      s3.close();
    }
  }

  @Test
  @Order(1)
  void enrollVerifyIdentifyOnS3() throws IOException {
    run("verify", "--events", s3.uri("in/badge-events.csv"), "--images-root", s3.uri("in/images"),
        "--table", s3.uri("tables/residents"), "--out", s3.uri("out"), "--conf", CONF);
    run("identify", "--log", s3.uri("in/camera-log.csv"), "--images-root", s3.uri("in/images"),
        "--table", s3.uri("tables/residents"), "--out", s3.uri("out"), "--conf", CONF,
        "--top-k", "3");
    Map<String, Row> verify = byEvent(read("out/verify.parquet"));
    assertThat(verify.get("e1").<String>getAs("decision")).isEqualTo("ACCEPT");
    assertThat(verify.get("e2").<String>getAs("decision")).isEqualTo("REJECT");
    Map<String, String> who = new HashMap<>();
    byEvent(read("out/identify.parquet")).forEach((k, r) -> who.put(k, r.getAs("identity")));
    assertThat(who).containsEntry("cam0", "younes").containsEntry("cam2", "benoit").hasSize(6);
    assertThat(read("tables/residents").count()).isEqualTo(12);
    assertThat(Files.readAllLines(s3.file("out/verify.csv"))).hasSize(7);
    assertThat(Files.readAllLines(s3.file("out/identify.csv"))).hasSize(7);
    assertThat(Files.readAllLines(s3.file("tables/enroll.csv"))).hasSize(13);
    // the reports went up as one object each, their photos read from the bucket
    assertThat(Files.readString(s3.file("out/verify-report.html")))
        .contains("REJECT · e2 · claims kian").contains("data:image/jpeg;base64,")
        .doesNotContain("unavailable");
    assertThat(Files.readString(s3.file("out/identify-report.html")))
        .contains("Residents seen (5)");

    // on S3 the residents table is a Delta table; an output table its versions and a pointer:
    // one version, named by the pointer
    assertThat(entries("tables/residents")).contains("_delta_log");
    // and any Spark with Delta reads it there, without facerec: the reader's API and SQL
    assertThat(spark.read().format("delta").load(s3.uri("tables/residents")).count())
        .isEqualTo(12);
    assertThat(spark.sql("SELECT count(*) FROM delta.`" + s3.uri("tables/residents") + "`")
        .head().getLong(0)).isEqualTo(12);
    onlyVersion("out/verify.parquet");
  }

  @Test
  @Order(2)
  @Tag("slow") // scripts/test slow: a fault test, minutes on 2 cores
  void theServerDyingMidWriteLosesNothing() throws Exception {
    // the same two enrolments, without and then with the server dying in the second's write
    String clean = "tables/clean";
    String table = "tables/fault";
    for (String t : List.of(clean, table)) {
      enroll("in/residents-8.csv", t);
    }
    enroll("in/residents.csv", clean);
    List<Row> before = rows(read(table), "resident_id");
    long version = lastVersion(table);
    assertThat(before).hasSize(8);

    // the server dies as the first data file of the new version is created
    FaultyS3A.arm("/" + table + "/part-", () -> {
      try {
        s3.kill();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    });
    Result failed = facerec("enroll", "--manifest", s3.uri("in/residents.csv"), "--images-root",
        s3.uri("in/images"), "--table", s3.uri(table), "--conf", CONF);
    record(failed);
    assertThat(FaultyS3A.fired()).isTrue();
    assertThat(failed.exitCode()).isEqualTo(1);
    assertThat(failed.err().strip()).doesNotContain("\n").startsWith("facerec enroll: could not "
        + "write " + s3.uri(table) + ", the previous output is unchanged: ");

    s3.start();
    FileSystem.get(URI.create(s3.uri("")), spark.sparkContext().hadoopConfiguration()).close();
    // the failed run committed nothing: the table is the version before, whole
    assertThat(lastVersion(table)).isEqualTo(version);
    assertThat(rows(read(table), "resident_id")).isEqualTo(before);

    enroll("in/residents.csv", table);
    List<Row> after = rows(read(table), "resident_id", "image_path");
    assertThat(after.stream().map(r -> r.getAs("resident_id") + "|" + r.getAs("image_path"))
        .distinct()).hasSize(12);
    // exactly what the clean run wrote, but for the times of the enrolments
    assertThat(rows(read(table).drop("enrolled_at"), "resident_id", "image_path")).isEqualTo(
        rows(read(clean).drop("enrolled_at"), "resident_id", "image_path"));
    for (Row b : before) {
      assertThat(after).contains(b); // the eight first rows were kept, not re-encoded
    }
    assertThat(lastVersion(table)).isEqualTo(version + 1);
  }

  static long lastVersion(String table) {
    return io.delta.tables.DeltaTable.forPath(spark, s3.uri(table)).history(1).head().getLong(0);
  }

  static void enroll(String manifest, String table) {
    run("enroll", "--manifest", s3.uri(manifest), "--images-root", s3.uri("in/images"),
        "--table", s3.uri(table), "--conf", CONF);
  }

  @Test
  @Order(3)
  void eraseOnS3LeavesNoObjectHoldingTheResident() throws IOException {
    List<Path> heldThem = ParquetFiles.all(s3.file("tables/residents")).stream()
        .filter(f -> EraseTest.text(f).contains("benoit")).toList();
    assertThat(heldThem).isNotEmpty();
    Result r = run("erase", "--resident", "benoit", "--table", s3.uri("tables/residents"),
        "--out", s3.uri("out"));
    assertThat(r.out()).contains("facerec erase:");
    for (String prefix : List.of("tables/residents", "tables/enroll.csv", "out")) {
      for (Path f : ParquetFiles.all(s3.file(prefix))) {
        assertThat(ParquetFiles.text(f)).as("%s", f).doesNotContain("benoit");
      }
    }
    // the files that held the resident are gone (a Delta table keeps the others)
    assertThat(heldThem).noneMatch(Files::exists);
    assertThat(read("tables/residents").count()).isEqualTo(11);
  }

  /**
   * Two enrolls into one new table on S3 at once, in one driver (what Delta's S3 log store
   * guards): each lands, or fails saying another run changed the table and lands when run
   * again; never a row lost.
   */
  @Test
  @Order(4)
  @Tag("slow") // scripts/test slow: a fault test, minutes on 2 cores
  void twoEnrollsAtOnceIntoOneS3TableLoseNothing() throws Exception {
    List<String> all = Files.readAllLines(SAMPLES.resolve("residents.csv"));
    List<String> second = new ArrayList<>(all.subList(0, 1));
    second.addAll(all.subList(7, all.size()));
    put("in/race-a.csv", String.join("\n", all.subList(0, 7)) + "\n");
    put("in/race-b.csv", String.join("\n", second) + "\n");
    String table = s3.uri("tables/race");
    List<String> manifests = List.of("in/race-a.csv", "in/race-b.csv");
    List<java.util.concurrent.Callable<Result>> enrolls = new ArrayList<>();
    for (String m : manifests) {
      enrolls.add(() -> {
        Result r = facerec("enroll", "--manifest", s3.uri(m), "--images-root",
            s3.uri("in/images"), "--table", table, "--conf", CONF);
        record(r);
        return r;
      });
    }
    List<String> retry = DeltaTablesTest.atOnce(enrolls).stream().map(manifests::get).toList();
    for (String m : retry) {
      run("enroll", "--manifest", s3.uri(m), "--images-root", s3.uri("in/images"), "--table",
          table, "--conf", CONF);
    }
    assertThat(read("tables/race").count()).isEqualTo(12);
    assertThat(read("tables/race").select("resident_id").distinct().count()).isEqualTo(12);
  }

  @Test
  @Order(5)
  void theSecretKeyIsNeverPrinted() throws IOException {
    Result verbose = facerec("identify", "--images", s3.uri("in/images"), "--table",
        s3.uri("no/such/table"), "--out", s3.uri("nowhere"), "--verbose");
    record(verbose);
    assertThat(verbose.exitCode()).isEqualTo(1);
    String all = printed + logs.text();
    // what was captured: every command's output, our logs, S3A's and the AWS SDK's debug logs
    assertThat(all).contains("facerec enroll:", "facerec erase:", "\tat org.facerec.")
        .contains("org.apache.hadoop.fs.s3a", "software.amazon.awssdk")
        .doesNotContain(SECRET);
    for (Path f : ParquetFiles.all(s3.storage)) {
      assertThat(new String(Files.readAllBytes(f), StandardCharsets.ISO_8859_1)).as("%s", f)
          .doesNotContain(SECRET);
    }
  }

  static Result run(String... args) {
    Result r = facerec(args);
    record(r);
    assertThat(r.exitCode()).as("facerec %s\nstderr: %s", String.join(" ", args), r.err())
        .isZero();
    return r;
  }

  static synchronized void record(Result r) { // two enrolls at once record too
    printed.append(r.out()).append(r.err());
  }

  static org.apache.spark.sql.Dataset<Row> read(String key) throws IOException {
    return Tables.read(spark, s3.uri(key), Map.of());
  }

  static FileSystem s3a() throws IOException {
    return FileSystem.get(URI.create(s3.uri("")), spark.sparkContext().hadoopConfiguration());
  }

  static void put(String key, String text) throws IOException {
    try (OutputStream out = s3a().create(new org.apache.hadoop.fs.Path(s3.uri(key)), true)) {
      out.write(text.getBytes(StandardCharsets.UTF_8));
    }
  }

  static String pointer(String table) throws IOException {
    return Files.readString(s3.file(table).resolve(Outputs.POINTER)).trim();
  }

  /** The names right under a table's folder in the server's storage. */
  static List<String> entries(String table) throws IOException {
    List<String> names = new ArrayList<>();
    try (var s = Files.list(s3.file(table))) {
      s.forEach(p -> names.add(p.getFileName().toString()));
    }
    return names;
  }

  /** The table's one version folder, which its pointer names; nothing else is there. */
  static String onlyVersion(String table) throws IOException {
    String version = pointer(table);
    assertThat(entries(table)).as("objects of %s", table)
        .containsExactlyInAnyOrder(Outputs.POINTER, version);
    return version;
  }

  static Map<String, Row> byEvent(org.apache.spark.sql.Dataset<Row> d) {
    Map<String, Row> m = new HashMap<>();
    d.collectAsList().forEach(r -> m.put(r.getAs("event_id"), r));
    return m;
  }

  /** S3A with a hook: runs an action once, as the first file under a given path is created. */
  public static class FaultyS3A extends S3AFileSystem {
    private static final AtomicReference<Runnable> ACTION = new AtomicReference<>();
    private static volatile String where;
    private static volatile boolean fired;

    static void arm(String pathFragment, Runnable action) {
      where = pathFragment;
      fired = false;
      ACTION.set(action);
    }

    static boolean fired() {
      return fired;
    }

    @Override
    public FSDataOutputStream create(org.apache.hadoop.fs.Path f, FsPermission permission,
        boolean overwrite, int bufferSize, short replication, long blockSize,
        Progressable progress) throws IOException {
      String w = where;
      if (w != null && f.toString().contains(w)) {
        Runnable a = ACTION.getAndSet(null);
        if (a != null) {
          fired = true;
          a.run();
        }
      }
      return super.create(f, permission, overwrite, bufferSize, replication, blockSize,
          progress);
    }
  }

  /**
   * Captures log events: whatever the console shows (the root logger's level) and, at DEBUG,
   * S3A's and the AWS SDK's, which are where credentials would leak.
   */
  static final class Capture extends AbstractAppender {
    private static final List<String> DEBUG = List.of("org.apache.hadoop.fs.s3a",
        "software.amazon.awssdk");
    private final StringBuilder text = new StringBuilder();

    private Capture() {
      super("s3it-capture", null, null, true, Property.EMPTY_ARRAY);
    }

    static Capture attach() {
      LoggerContext ctx = (LoggerContext) LogManager.getContext(false);
      var config = ctx.getConfiguration();
      Capture c = new Capture();
      c.start();
      config.addAppender(c);
      config.getRootLogger().addAppender(c, null, null);
      for (String name : DEBUG) {
        LoggerConfig lc = new LoggerConfig(name, Level.DEBUG, false);
        lc.addAppender(c, null, null);
        config.addLogger(name, lc);
      }
      ctx.updateLoggers();
      return c;
    }

    void detach() {
      LoggerContext ctx = (LoggerContext) LogManager.getContext(false);
      var config = ctx.getConfiguration();
      for (String name : DEBUG) {
        config.removeLogger(name);
      }
      config.getRootLogger().removeAppender(getName());
      ctx.updateLoggers();
      stop();
    }

    @Override
    public synchronized void append(LogEvent e) {
      text.append(e.getLevel()).append(' ').append(e.getLoggerName()).append(": ")
          .append(e.getMessage().getFormattedMessage()).append('\n');
      if (e.getThrown() != null) {
        StringWriter w = new StringWriter();
        e.getThrown().printStackTrace(new PrintWriter(w));
        text.append(w);
      }
    }

    synchronized String text() {
      return text.toString();
    }
  }
}
