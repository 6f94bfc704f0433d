package org.facerec.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;
import org.apache.spark.sql.Row;
import org.facerec.TestData;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * erase removes a resident from the residents table and the outputs named, rewriting files: no
 * file under the data folder holds the resident's id afterwards, read value by value without
 * Spark (the residents table's Delta log included), and no file from before that held it is
 * left, leftovers of crashed runs and the table's earlier versions included.
 */
class EraseTest extends SparkTest {
  static final Path SAMPLES = HappyHouseStoryTest.SAMPLES;
  static final String GONE = "benoit";

  @TempDir
  Path dir;

  @Test
  void noFileHoldsTheErasedResidentAndEveryoneElseStays() throws IOException {
    Path images = TestData.data("happy-house/images");
    Path in = Files.createDirectories(dir.resolve("in"));
    List<String> manifest = new ArrayList<>(Files.readAllLines(SAMPLES.resolve("residents.csv")));
    manifest.add("kian_twin,benoit.jpg"); // the same photo under another resident: DUPLICATE
    Files.write(in.resolve("residents.csv"), manifest);
    Path data = dir.resolve("data");
    Path table = data.resolve("residents");
    Path out = data.resolve("out");
    Path history = data.resolve("identify-history");
    String conf = SAMPLES.resolve("facerec.conf").toString();
    ok("enroll", "--manifest", in.resolve("residents.csv").toString(), "--images-root",
        images.toString(), "--table", table.toString(), "--conf", conf);
    ok("verify", "--events", SAMPLES.resolve("badge-events.csv").toString(), "--images-root",
        images.toString(), "--table", table.toString(), "--out", out.toString(), "--conf", conf);
    ok("identify", "--log", SAMPLES.resolve("camera-log.csv").toString(), "--images-root",
        images.toString(), "--table", table.toString(), "--out", out.toString(), "--conf", conf,
        "--top-k", "3", "--history", history.toString());
    List<Row> residents = parquet(table).collectAsList();
    List<Row> verify = parquet(out.resolve("verify.parquet")).collectAsList();
    List<Row> identify = parquet(out.resolve("identify.parquet")).collectAsList();
    assertThat(residents).filteredOn(r -> "kian_twin".equals(r.getAs("resident_id")))
        .singleElement().satisfies(r -> assertThat(r.<String>getAs("status"))
            .isEqualTo("DUPLICATE"));
    assertThat(verify).anySatisfy(r -> assertThat(r.<String>getAs("nearest_id")).isEqualTo(GONE));
    assertThat(identify).anySatisfy(r -> assertThat(r.<String>getAs("identity")).isEqualTo(GONE));
    // a crashed earlier run's staging copy of the table, holding the resident too
    copy(table, data.resolve(".staging-residents-" + UUID.randomUUID()));
    // data files are written once, never in place: one still there after is the same file
    List<Path> heldThem = ParquetFiles.all(data).stream()
        .filter(f -> isParquet(f) && text(f).contains(GONE)).toList();
    assertThat(heldThem).isNotEmpty();

    Result r = ok("erase", "--resident", GONE, "--table", table.toString(), "--out",
        out.toString(), "--history", history.toString());
    assertThat(r.out()).contains("facerec erase: done in").contains(GONE);

    List<Path> after = ParquetFiles.all(data);
    for (Path f : after) {
      assertThat(text(f)).as("%s", f).doesNotContain(GONE);
    }
    // every file that held them is gone (a Delta table keeps the files it did not rewrite)
    assertThat(after).as("files from before the erase that held the resident")
        .doesNotContainAnyElementsOf(heldThem);
    // and the earlier versions of the residents table, which held them, cannot be read
    assertThat(Files.list(table.resolve("_delta_log")).count()).isPositive();
    Result asOf = facerec("verify", "--events", SAMPLES.resolve("badge-events.csv").toString(),
        "--images-root", images.toString(), "--table", table.toString(), "--out",
        dir.resolve("audit").toString(), "--conf", conf, "--as-of", "0");
    assertThat(asOf.exitCode()).as(asOf.err()).isEqualTo(1);
    assertThat(asOf.err()).contains("cannot read table " + table + " at version 0: ");
    assertThat(after).noneSatisfy(f -> assertThat(data.relativize(f).toString())
        .containsAnyOf(".staging-", ".old-", ".csv-"));

    // everyone else is as before: the rows not naming the resident, unchanged
    assertThat(ids(parquet(table).collectAsList(), "resident_id")).isEqualTo(
        ids(residents, "resident_id").stream().filter(i -> !i.equals(GONE)
            && !i.equals("kian_twin")).collect(Collectors.toSet())).hasSize(11);
    assertThat(parquet(out.resolve("verify.parquet")).collectAsList())
        .containsExactlyInAnyOrderElementsOf(verify.stream().filter(x ->
            !GONE.equals(x.getAs("claimed_id")) && !GONE.equals(x.getAs("nearest_id"))).toList());
    assertThat(parquet(out.resolve("identify.parquet")).collectAsList())
        .containsExactlyInAnyOrderElementsOf(identify.stream().filter(x ->
            !GONE.equals(x.getAs("identity")) && !x.getList(x.fieldIndex("candidates")).stream()
                .anyMatch(c -> GONE.equals(((Row) c).getString(0)))).toList())
        .isNotEmpty();
    assertThat(Files.readAllLines(data.resolve("enroll.csv"))).hasSize(12);
    // the history keeps the night's other rows, as identify.parquet does
    assertThat(parquet(history).drop("input", "run_at", "day").collectAsList())
        .containsExactlyInAnyOrderElementsOf(parquet(out.resolve("identify.parquet"))
            .collectAsList());
  }

  static boolean isParquet(Path f) {
    try {
      return ParquetFiles.isParquet(f);
    } catch (IOException e) {
      throw new IllegalStateException(f.toString(), e);
    }
  }

  static Set<String> ids(List<Row> rows, String column) {
    return rows.stream().map(r -> r.<String>getAs(column)).collect(Collectors.toSet());
  }

  static String text(Path f) {
    try {
      return ParquetFiles.text(f);
    } catch (IOException e) {
      throw new IllegalStateException(f.toString(), e);
    }
  }

  static void copy(Path from, Path to) throws IOException {
    Files.createDirectories(to);
    try (var s = Files.list(from)) {
      for (Path f : s.toList()) {
        Files.copy(f, to.resolve(f.getFileName()));
      }
    }
  }
}
