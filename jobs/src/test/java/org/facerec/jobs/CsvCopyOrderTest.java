package org.facerec.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import org.facerec.TestData;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The CSV copies are in their table's order (residents by resident and path, events by event and
 * path) whatever the number of files the table was written in: Spark reads a table's files
 * largest first, so a copy taken from a table read back would follow file sizes. A cluster's
 * shuffle settings give several files where a local run wrote one (ClusterIT found enroll.csv out
 * of order); here, six shuffle partitions without adaptive coalescing do the same.
 */
class CsvCopyOrderTest extends SparkTest {
  static final Path SAMPLES = HappyHouseStoryTest.SAMPLES;

  @TempDir
  Path dir;

  @AfterEach
  void defaults() {
    spark.conf().unset("spark.sql.adaptive.enabled");
    spark.conf().set("spark.sql.shuffle.partitions", "4");
  }

  @Test
  void enrollVerifyIdentifyAndEraseWriteTheirCsvCopiesInOrder() throws IOException {
    spark.conf().set("spark.sql.adaptive.enabled", "false");
    spark.conf().set("spark.sql.shuffle.partitions", "6");
    String images = TestData.data("happy-house/images").toString();
    String conf = SAMPLES.resolve("facerec.conf").toString();
    Path table = dir.resolve("residents");
    Path out = dir.resolve("out");
    // eight residents, then all twelve: the table is created, then MERGEd into
    List<String> all = Files.readAllLines(SAMPLES.resolve("residents.csv"));
    Path eight = Files.write(dir.resolve("residents-8.csv"), all.subList(0, 9));
    for (Path manifest : List.of(eight, SAMPLES.resolve("residents.csv"))) {
      ok("enroll", "--manifest", manifest.toString(), "--images-root", images, "--table",
          table.toString(), "--conf", conf);
    }
    try (var files = Files.list(table)) {
      assertThat(files.filter(f -> f.getFileName().toString().startsWith("part-")))
          .as("the table's files").hasSizeGreaterThan(1);
    }
    ok("verify", "--events", SAMPLES.resolve("badge-events.csv").toString(), "--images-root",
        images, "--table", table.toString(), "--out", out.toString(), "--conf", conf);
    ok("identify", "--log", SAMPLES.resolve("camera-log.csv").toString(), "--images-root",
        images, "--table", table.toString(), "--out", out.toString(), "--conf", conf);
    assertSorted(dir.resolve("enroll.csv"), 12);
    assertSorted(out.resolve("verify.csv"), 6);
    assertSorted(out.resolve("identify.csv"), 6);

    // erase rewrites all three from the rewritten tables
    ok("erase", "--resident", "andrew", "--table", table.toString(), "--out", out.toString());
    assertSorted(dir.resolve("enroll.csv"), 11);
    assertSorted(out.resolve("verify.csv"), -1);
    assertSorted(out.resolve("identify.csv"), -1);
  }

  /**
   * {@code rows} rows (any number when negative) ordered by their first column's text, then
   * their second's: resident or event id first, as the tables are.
   */
  static void assertSorted(Path csv, int rows) throws IOException {
    List<String> lines = Files.readAllLines(csv);
    List<String> body = lines.subList(1, lines.size());
    assertThat(body).as(csv.toString()).hasSize(rows >= 0 ? rows : body.size()).isNotEmpty()
        .isSortedAccordingTo(Comparator.comparing(CsvText::fields,
            Comparator.<List<String>, String>comparing(f -> f.get(0))
                .thenComparing(f -> f.get(1))));
  }
}
