package org.facerec.jobs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.delta.tables.DeltaTable;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.facerec.TestData;
import org.facerec.config.CommitMode;
import org.facerec.config.EncryptionConfig;
import org.facerec.io.Outputs;
import org.facerec.io.Protection;
import org.facerec.io.ResidentsTable;
import org.facerec.io.Tables;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The residents table as a Delta table, on the Happy House story: its versions named by the jobs
 * that read it and audits re-run against them byte for byte, nightly histories that a re-run
 * replaces, folder tables of an earlier facerec read and upgraded, two writers at once, and the
 * table read by a Spark session that knows nothing of facerec.
 */
class DeltaTablesTest extends SparkTest {
  static final Path SAMPLES = HappyHouseStoryTest.SAMPLES;
  static final String CONF = SAMPLES.resolve("facerec.conf").toString();

  @TempDir
  static Path dir;
  static Path images;
  static Path eight;

  @BeforeAll
  static void manifests() throws IOException {
    images = TestData.data("happy-house/images");
    List<String> all = Files.readAllLines(SAMPLES.resolve("residents.csv"));
    eight = Files.write(dir.resolve("residents-8.csv"), all.subList(0, 9));
  }

  static void enroll(Path manifest, Path table) {
    ok("enroll", "--manifest", manifest.toString(), "--images-root", images.toString(),
        "--table", table.toString(), "--conf", CONF);
  }

  static Result verify(Path table, Path out, String... more) {
    List<String> args = new ArrayList<>(List.of("verify", "--events",
        SAMPLES.resolve("badge-events.csv").toString(), "--images-root", images.toString(),
        "--table", table.toString(), "--out", out.toString(), "--conf", CONF));
    args.addAll(List.of(more));
    return ok(args.toArray(String[]::new));
  }

  static long versionOf(Path out) {
    List<Row> v = parquet(out.resolve("verify.parquet")).select("residents_version").distinct()
        .collectAsList();
    assertThat(v).hasSize(1);
    return v.get(0).getLong(0);
  }

  @Test
  void anAuditReRunAsOfTheVersionItRecordedIsByteIdentical() throws IOException {
    Path table = dir.resolve("audit/residents");
    enroll(eight, table);
    Result first = verify(table, dir.resolve("audit/night1"));
    long v = versionOf(dir.resolve("audit/night1"));
    assertThat(first.out()).contains("residents table: " + table + " version " + v);

    Result enrolled = ok("enroll", "--manifest", SAMPLES.resolve("residents.csv").toString(),
        "--images-root", images.toString(), "--table", table.toString(), "--conf", CONF);
    assertThat(enrolled.out()).contains("residents_version: " + (v + 1));
    Result now = verify(table, dir.resolve("audit/now"));
    assertThat(versionOf(dir.resolve("audit/now"))).isEqualTo(v + 1);
    byte[] night1 = Files.readAllBytes(dir.resolve("audit/night1/verify.csv"));
    // the table changed what verify decides (kian and arnaud are enrolled now)...
    assertThat(rows(parquet(dir.resolve("audit/now/verify.parquet")).select("event_id",
        "decision"), "event_id")).isNotEqualTo(rows(parquet(dir.resolve(
            "audit/night1/verify.parquet")).select("event_id", "decision"), "event_id"));
    assertThat(now.out()).contains("version " + (v + 1));

    // ...and the audit re-run as of the version night 1 read decides as night 1 did
    verify(table, dir.resolve("audit/rerun"), "--as-of", Long.toString(v));
    assertThat(Files.readAllBytes(dir.resolve("audit/rerun/verify.csv"))).isEqualTo(night1);
    assertThat(versionOf(dir.resolve("audit/rerun"))).isEqualTo(v);
    // the same by time: the last version committed by then
    Row commit = DeltaTable.forPath(spark, table.toString()).history()
        .filter("version = " + v).select("timestamp").head();
    verify(table, dir.resolve("audit/rerun-time"), "--as-of",
        commit.getTimestamp(0).toString());
    assertThat(Files.readAllBytes(dir.resolve("audit/rerun-time/verify.csv")))
        .isEqualTo(night1);

    Result none = facerec("verify", "--events", SAMPLES.resolve("badge-events.csv").toString(),
        "--images-root", images.toString(), "--table", table.toString(), "--out",
        dir.resolve("audit/none").toString(), "--conf", CONF, "--as-of", "99");
    assertThat(none.exitCode()).isEqualTo(1);
    assertThat(none.err()).contains("has no version 99");
  }

  @Test
  void aNightReRunWithHistoryLeavesOneCopyOfItsRows() throws IOException {
    Path table = dir.resolve("history/residents");
    enroll(SAMPLES.resolve("residents.csv"), table);
    Path history = dir.resolve("history/identify-history");
    Path log = SAMPLES.resolve("camera-log.csv");
    for (int run = 0; run < 2; run++) {
      ok("identify", "--log", log.toString(), "--images-root", images.toString(), "--table",
          table.toString(), "--out", dir.resolve("history/out" + run).toString(), "--conf", CONF,
          "--history", history.toString());
    }
    Dataset<Row> h = parquet(history);
    long oneNight = parquet(dir.resolve("history/out0/identify.parquet")).count();
    assertThat(oneNight).isEqualTo(6);
    assertThat(h.count()).as("rows after the night ran twice").isEqualTo(oneNight);
    assertThat(h.select("day").distinct().collectAsList()).extracting(r -> r.get(0).toString())
        .containsExactly("2017-11-20");
    assertThat(Files.list(history).map(p -> p.getFileName().toString()))
        .contains("day=2017-11-20");
    // another input the same night adds its rows beside
    Path other = Files.copy(log, dir.resolve("history/camera-log-2.csv"));
    ok("identify", "--log", other.toString(), "--images-root", images.toString(), "--table",
        table.toString(), "--out", dir.resolve("history/out2").toString(), "--conf", CONF,
        "--history", history.toString());
    assertThat(parquet(history).count()).isEqualTo(2 * oneNight);

    // verify's history: no ts, so the day of the run
    Path verifyHistory = dir.resolve("history/verify-history");
    for (int run = 0; run < 2; run++) {
      verify(table, dir.resolve("history/v" + run), "--history", verifyHistory.toString());
    }
    assertThat(parquet(verifyHistory).count())
        .isEqualTo(parquet(dir.resolve("history/v0/verify.parquet")).count());

    // a night decided by a head adds its columns to a history begun without one
    Tables tables = new Tables(spark, new Protection(EncryptionConfig.OFF), CommitMode.AUTO);
    Dataset<Row> headNight = parquet(history).filter("input = '" + log + "'")
        .withColumn("day", org.apache.spark.sql.functions.expr("date_add(day, 1)"))
        .withColumn("p_same", org.apache.spark.sql.functions.lit(0.9));
    tables.replace(history.toString(), headNight, "day = DATE'2017-11-21'", "day");
    assertThat(parquet(history).filter("p_same IS NULL").count()).isEqualTo(2 * oneNight);
    assertThat(parquet(history).filter("p_same = 0.9").count()).isEqualTo(oneNight);
  }

  @Test
  void recurringStrangersSpanTheHistorysNightsSince() throws IOException {
    Path table = dir.resolve("since/residents");
    enroll(eight, table); // benoit and arnaud are not residents
    Path history = dir.resolve("since/identify-history");
    Path night1 = Files.writeString(dir.resolve("since/night-1.csv"), "event_id,image_path,ts\n"
        + "n1-benoit,benoit.jpg,2017-11-20T07:58:12\n");
    Path night2 = Files.writeString(dir.resolve("since/night-2.csv"), "event_id,image_path,ts\n"
        + "n2-cam2,camera_2.jpg,2017-11-21T08:05:03\nn2-arnaud,arnaud.jpg,2017-11-21T08:09:00\n");
    Path night40 = Files.writeString(dir.resolve("since/night-40.csv"),
        "event_id,image_path,ts\nn40-benoit,benoit.jpg,2017-12-30T08:21:09\n");
    for (Path night : List.of(night1, night2, night40)) {
      ok("identify", "--log", night.toString(), "--images-root", images.toString(), "--table",
          table.toString(), "--out", dir.resolve("since/out-" + night.getFileName()).toString(),
          "--conf", CONF, "--history", history.toString());
    }
    long unknown = parquet(history).filter("decision = 'UNKNOWN'").count();
    long unknownIn30Days = parquet(history)
        .filter("decision = 'UNKNOWN' AND day <= DATE'2017-11-21'").count();
    assertThat(unknownIn30Days).isBetween(2L, 3L); // benoit twice; arnaud unless he matched

    // night 2 alone: each stranger seen once; over 30 days: benoit twice, on two nights
    Path alone = dir.resolve("since/out-night-2.csv/identify-report.html");
    assertThat(Files.readString(alone)).contains("0 seen more than once");
    Result since = ok("identify", "--log", night2.toString(), "--images-root",
        images.toString(), "--table", table.toString(), "--out",
        dir.resolve("since/rerun").toString(), "--conf", CONF, "--history", history.toString(),
        "--since", "30d");
    assertThat(since.out()).contains("strangers grouped over: 2017-10-23 to 2017-11-21");
    String report = Files.readString(dir.resolve("since/rerun/identify-report.html"))
        .replace("<wbr/>", ""); // the page's line-break hints
    // benoit on night 1 and night 2 (night 40 is out of the 30 days)
    assertThat(report).contains(unknownIn30Days + " UNKNOWN faces in the history over the "
        + "--since days").contains("1 seen more than once").contains("seen 2 times")
        .contains("events: n1-benoit, n2-cam2").doesNotContain("n40-benoit");
    // the re-run replaced night 2's rows: still one copy
    assertThat(parquet(history).filter("decision = 'UNKNOWN'").count()).isEqualTo(unknown);

    Result noHistory = facerec("identify", "--log", night2.toString(), "--table",
        table.toString(), "--out", dir.resolve("since/x").toString(), "--since", "30d");
    assertThat(noHistory.exitCode()).isEqualTo(2);
    assertThat(noHistory.err()).contains("--since needs --history");
  }

  @Test
  void aFolderTableIsReadAsItIsAndUpgradedInPlace() throws IOException {
    Path delta = dir.resolve("legacy/delta");
    enroll(SAMPLES.resolve("residents.csv"), delta);
    List<Row> expected = rows(parquet(delta), "resident_id");
    // the two kinds of folder table an earlier facerec wrote: renamed in, and by pointer
    Path renamed = dir.resolve("legacy/renamed");
    Path pointed = dir.resolve("legacy/pointed");
    Outputs.writeTable(parquet(delta), renamed.toString(), Map.of(), CommitMode.RENAME);
    Outputs.writeTable(parquet(delta), pointed.toString(), Map.of(), CommitMode.POINTER);
    assertThat(pointed.resolve(Outputs.POINTER)).exists();

    Result read = verify(renamed, dir.resolve("legacy/out"));
    assertThat(read.out()).contains("(a folder table, without versions)");
    assertThat(parquet(dir.resolve("legacy/out/verify.parquet")).filter(
        "residents_version IS NOT NULL").count()).isZero();
    Result asOf = facerec("verify", "--events", SAMPLES.resolve("badge-events.csv").toString(),
        "--images-root", images.toString(), "--table", renamed.toString(), "--out",
        dir.resolve("legacy/out2").toString(), "--conf", CONF, "--as-of", "0");
    assertThat(asOf.exitCode()).isEqualTo(1);
    assertThat(asOf.err()).contains("facerec upgrade --table " + renamed);

    for (Path t : List.of(renamed, pointed)) {
      Result r = ok("upgrade", "--table", t.toString());
      assertThat(r.out()).contains("is now a Delta table, version");
      assertThat(DeltaTable.isDeltaTable(spark, t.toString())).isTrue();
      assertThat(rows(parquet(t), "resident_id")).as("%s", t).isEqualTo(expected);
      try (var s = Files.list(t)) {
        assertThat(s.map(p -> p.getFileName().toString())).as("%s", t)
            .noneMatch(n -> n.startsWith("_v-") || n.equals(Outputs.POINTER));
      }
      assertThat(ok("upgrade", "--table", t.toString()).out())
          .contains("was a Delta table already");
    }
    // no folder table is left beside the renamed one
    try (var s = Files.list(dir.resolve("legacy"))) {
      assertThat(s.map(p -> p.getFileName().toString()).filter(n -> n.startsWith(".")
          && !n.endsWith(".crc"))).isEmpty();
    }
  }

  @Test
  void aWriterThatLostTheRaceFailsClearlyAndARetryLands() throws Exception {
    Path table = dir.resolve("race/residents");
    enroll(eight, table);
    Tables tables = new Tables(spark, new Protection(EncryptionConfig.OFF), CommitMode.AUTO);
    long read = tables.version(table.toString());
    Dataset<Row> before = ResidentsTable.read(tables, table.toString(), read);
    // another enroll commits after this writer read the table
    enroll(SAMPLES.resolve("residents.csv"), table);
    assertThatThrownBy(() -> tables.merge(table.toString(), ResidentsTable.SCHEMA, before,
        before.limit(3), ResidentsTable.KEYS, read))
        .hasMessageContaining("another run changed")
        .hasMessageContaining("nothing of this run was written: run it again");
    assertThat(parquet(table).count()).isEqualTo(12);

    // two enrolls into one new table at once: each lands, or fails saying so and lands again
    List<String> all = Files.readAllLines(SAMPLES.resolve("residents.csv"));
    Path first = Files.write(dir.resolve("race/a.csv"), all.subList(0, 7));
    List<String> second = new ArrayList<>(all.subList(0, 1));
    second.addAll(all.subList(7, all.size()));
    Path secondCsv = Files.write(dir.resolve("race/b.csv"), second);
    Path both = dir.resolve("race/both");
    List<Path> manifests = List.of(first, secondCsv);
    List<Callable<Result>> enrolls = new ArrayList<>();
    for (Path m : manifests) {
      enrolls.add(() -> facerec("enroll", "--manifest", m.toString(), "--images-root",
          images.toString(), "--table", both.toString(), "--conf", CONF));
    }
    List<Path> retry = atOnce(enrolls).stream().map(manifests::get).toList();
    for (Path m : retry) {
      enroll(m, both);
    }
    assertThat(parquet(both).select("resident_id").distinct().count()).isEqualTo(12);
    assertThat(parquet(both).count()).isEqualTo(12);
  }

  /**
   * Runs the commands at once; each that fails must say it lost the race to another writer and
   * wrote nothing. Returns the indexes of those, to run again.
   */
  static List<Integer> atOnce(List<Callable<Result>> commands) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(commands.size());
    try {
      List<Future<Result>> runs = new ArrayList<>();
      for (Callable<Result> c : commands) {
        runs.add(pool.submit(c));
      }
      List<Integer> lost = new ArrayList<>();
      for (int i = 0; i < runs.size(); i++) {
        Result r = runs.get(i).get();
        if (r.exitCode() != 0) {
          assertThat(r.err()).contains("another run changed ")
              .contains("nothing of this run was written: run it again");
          lost.add(i);
        }
      }
      return lost;
    } finally {
      pool.shutdown();
    }
  }

  /** Spark with Delta and nothing of facerec: the reader's API, SQL and the table's history. */
  @Test
  void anySparkSessionReadsTheTable() {
    Path table = dir.resolve("plain/residents");
    enroll(eight, table);
    enroll(SAMPLES.resolve("residents.csv"), table);
    assertThat(spark.read().format("delta").load(table.toString()).count()).isEqualTo(12);
    // the first enroll created the table holding its 8 rows: version 0
    assertThat(spark.read().format("delta").option("versionAsOf", 0).load(table.toString())
        .count()).isEqualTo(8);
    assertThat(spark.sql("SELECT count(*) FROM delta.`" + table + "` WHERE status = 'OK'")
        .head().getLong(0)).isEqualTo(12);
    assertThat(spark.sql("DESCRIBE HISTORY delta.`" + table + "`").select("operation")
        .collectAsList()).extracting(r -> r.getString(0)).contains("MERGE");
  }
}
