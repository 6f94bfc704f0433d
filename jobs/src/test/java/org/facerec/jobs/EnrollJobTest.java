package org.facerec.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Row;
import org.facerec.TestData;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Enrolment is idempotent, adds what changed, replaces and removes residents on request. */
class EnrollJobTest extends SparkTest {
  @TempDir
  Path dir;
  Path photos;
  Path table;

  /** ROOT/<person>/<file>.jpg with three lfw-dev people. */
  @BeforeEach
  void layout() throws IOException {
    photos = dir.resolve("photos");
    table = dir.resolve("out/residents");
    Path lfw = TestData.data("lfw-dev/images");
    for (String person : List.of("Abel_Pacheco", "Akhmed_Zakayev", "Amber_Tamblyn")) {
      Files.createDirectories(photos.resolve(person));
      try (var files = Files.list(lfw.resolve(person))) {
        for (Path f : files.sorted().limit(2).toList()) {
          Files.copy(f, photos.resolve(person).resolve(f.getFileName()));
        }
      }
    }
  }

  private Result enroll(String... extra) {
    String[] base = {"enroll", "--images", photos.toString(), "--table", table.toString()};
    String[] args = Arrays.copyOf(base, base.length + extra.length);
    System.arraycopy(extra, 0, args, base.length, extra.length);
    return ok(args);
  }

  private List<Row> table() {
    return rows(parquet(table), "resident_id", "image_path");
  }

  @Test
  void foldersPerResidentAreEnrolledAndReRunsChangeNothing() throws IOException {
    Result first = enroll();
    List<Row> before = table();
    assertThat(before).hasSize(6);
    assertThat(before.stream().map(r -> r.<String>getAs("resident_id")).distinct().toList())
        .containsExactly("Abel_Pacheco", "Akhmed_Zakayev", "Amber_Tamblyn");
    assertThat(first.out()).contains("OK               6");
    assertThat(dir.resolve("out/enroll.csv")).isRegularFile();

    Result again = enroll();
    assertThat(again.out()).contains("UNCHANGED        6");
    assertThat(table()).isEqualTo(before); // every column, enrolled_at included
  }

  @Test
  void aNewPhotoIsAddedAndAChangedOneReplacesItsRow() throws IOException {
    enroll();
    Path lfw = TestData.data("lfw-dev/images");
    // a new resident with one photo, and Abel's first photo overwritten by his second
    Files.createDirectories(photos.resolve("Angela_Bassett"));
    Files.copy(lfw.resolve("Angela_Bassett/Angela_Bassett_0001.jpg"),
        photos.resolve("Angela_Bassett/Angela_Bassett_0001.jpg"));
    Path abel = photos.resolve("Abel_Pacheco/Abel_Pacheco_0001.jpg");
    Map<String, String> shaBefore = shas();
    Files.copy(photos.resolve("Abel_Pacheco/Abel_Pacheco_0002.jpg"), abel,
        java.nio.file.StandardCopyOption.REPLACE_EXISTING);

    Result r = enroll();
    assertThat(r.out()).contains("UNCHANGED        5").contains("OK               2");
    List<Row> after = table();
    assertThat(after).hasSize(7);
    Map<String, String> shaAfter = shas();
    assertThat(shaAfter.get(abel.getFileName().toString()))
        .isNotEqualTo(shaBefore.get(abel.getFileName().toString()));
    // Abel's two photos are now the same image: the newer row is the duplicate
    assertThat(after.stream().filter(x -> "DUPLICATE".equals(x.getAs("status"))).toList())
        .singleElement().satisfies(x -> {
          assertThat(x.<String>getAs("image_path")).endsWith("Abel_Pacheco_0001.jpg");
          assertThat(x.<String>getAs("error")).startsWith("same photo as ")
              .contains("Abel_Pacheco_0002.jpg");
          assertThat(x.isNullAt(x.fieldIndex("embedding"))).isTrue();
        });
  }

  private Map<String, String> shas() {
    Map<String, String> m = new HashMap<>();
    for (Row r : table()) {
      String p = r.getAs("image_path");
      m.put(p.substring(p.lastIndexOf('/') + 1), r.getAs("content_sha256"));
    }
    return m;
  }

  @Test
  void replaceReEnrolsAndRemoveDeletes() {
    enroll();
    List<Row> before = table();
    enroll("--replace", "Akhmed_Zakayev");
    List<Row> after = table();
    assertThat(after).hasSize(6);
    for (int i = 0; i < 6; i++) {
      boolean replaced = "Akhmed_Zakayev".equals(after.get(i).getAs("resident_id"));
      assertThat(after.get(i).<Object>getAs("enrolled_at").equals(
          before.get(i).getAs("enrolled_at"))).isEqualTo(!replaced);
    }
    ok("enroll", "--table", table.toString(), "--remove", "Akhmed_Zakayev", "Amber_Tamblyn");
    assertThat(table()).extracting(r -> r.<String>getAs("resident_id")).containsOnly(
        "Abel_Pacheco");
  }

  @Test
  void aTableOfAnotherModelIsRefusedBeforeAnyWork() {
    enroll();
    Result r = facerec("enroll", "--images", photos.toString(), "--table", table.toString(),
        "--model", "openface-nn4small2-v1");
    assertThat(r.exitCode()).isEqualTo(1);
    assertThat(r.err()).contains("holds encodings of model dlib-resnet-v1")
        .contains("never mix");
    assertThat(r.err().lines().count()).isEqualTo(1);
    Result v = facerec("verify", "--events", photos.resolve("none.csv").toString(), "--table",
        table.toString(), "--out", dir.resolve("v").toString(), "--model",
        "openface-nn4small2-v1");
    assertThat(v.exitCode()).isEqualTo(1);
    assertThat(v.err()).contains("never mix");
  }
}
