package org.facerec.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Row;
import org.facerec.TestData;
import org.facerec.match.Distances;
import org.facerec.spark.Embeddings;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every event gets a decision: unknown claims, unreadable images and bad lines included. */
class VerifyJobTest extends SparkTest {
  @TempDir
  static Path dir;
  static Path table;
  static Path images;

  @BeforeAll
  static void enrol() {
    images = TestData.data("happy-house/images");
    table = dir.resolve("residents");
    ok("enroll", "--manifest", HappyHouseStoryTest.SAMPLES.resolve("residents.csv").toString(),
        "--images-root", images.toString(), "--table", table.toString(), "--align", "none");
  }

  @Test
  void everyEventIsDecidedAndAccountedFor() throws IOException {
    Files.write(dir.resolve("corrupt.jpg"), new byte[] {(byte) 0xFF, (byte) 0xD8, 1, 2, 3});
    Path events = Files.write(dir.resolve("events.csv"), List.of(
        "event_id,image_path,claimed_id",
        "ok," + images.resolve("camera_0.jpg") + ",younes",
        "stranger-claim," + images.resolve("camera_0.jpg") + ",nobody",
        "missing,no/such/file.jpg,kian",
        "corrupt,corrupt.jpg,kian",
        "noclaim," + images.resolve("camera_4.jpg") + ",",
        "\"unterminated,quote"));
    Path out = dir.resolve("audit");
    ok("verify", "--events", events.toString(), "--table", table.toString(), "--out",
        out.toString(), "--align", "none");
    Map<String, Row> byId = HappyHouseStoryTest.byKey(out.resolve("verify.parquet"));
    List<Row> all = parquet(out.resolve("verify.parquet")).collectAsList();
    assertThat(all).hasSize(6); // six lines after the header, six rows
    assertThat(byId.get("ok").<String>getAs("decision")).isEqualTo("ACCEPT");
    assertThat(byId.get("stranger-claim").<String>getAs("decision")).isEqualTo("UNKNOWN_CLAIM");
    assertThat(byId.get("stranger-claim").<String>getAs("error")).contains("nobody");
    assertThat(byId.get("missing").<String>getAs("decision")).isEqualTo("BAD_IMAGE");
    assertThat(byId.get("missing").<String>getAs("error")).contains("file not found");
    assertThat(byId.get("corrupt").<String>getAs("decision")).isEqualTo("BAD_IMAGE");
    assertThat(byId.get("corrupt").<String>getAs("error")).startsWith("cannot decode image");
    assertThat(byId.get("noclaim").<String>getAs("decision")).isEqualTo("BAD_ROW");
    assertThat(byId.get("noclaim").<String>getAs("error")).contains("claimed_id");
    Row bad = all.stream().filter(r -> "BAD_ROW".equals(r.getAs("decision"))
        && !"noclaim".equals(r.getAs("event_id"))).findFirst().orElseThrow();
    assertThat(bad.<String>getAs("error")).contains("malformed CSV line");
    for (Row r : all) {
      assertThat(r.<String>getAs("model_id")).isEqualTo("dlib-resnet-v1");
      assertThat(r.<Double>getAs("threshold")).isEqualTo(0.6);
    }
    assertThat(Files.readAllLines(out.resolve("verify.csv"))).hasSize(7);
  }

  @Test
  void meanEncodingAndMinDistanceAgreeForOnePhotoAndMatchTheJavaDistance() {
    Path min = dir.resolve("min");
    Path mean = dir.resolve("mean");
    String events = HappyHouseStoryTest.SAMPLES.resolve("badge-events.csv").toString();
    ok("verify", "--events", events, "--images-root", images.toString(), "--table",
        table.toString(), "--out", min.toString(), "--align", "none");
    ok("verify", "--events", events, "--images-root", images.toString(), "--table",
        table.toString(), "--out", mean.toString(), "--against", "mean", "--align", "none");
    Map<String, Row> a = HappyHouseStoryTest.byKey(min.resolve("verify.parquet"));
    Map<String, Row> b = HappyHouseStoryTest.byKey(mean.resolve("verify.parquet"));
    // one photo per resident: the mean is that photo's encoding
    a.forEach((id, r) -> assertThat(b.get(id).<Double>getAs("distance"))
        .isCloseTo(r.getAs("distance"), org.assertj.core.data.Offset.offset(1e-6)));

    // and the distance is the plain L2 distance between the stored encodings
    Row younes = parquet(table).filter("resident_id = 'younes'").first();
    Path probeOut = dir.resolve("probe");
    ok("identify", "--log", HappyHouseStoryTest.SAMPLES.resolve("camera-log.csv").toString(),
        "--images-root", images.toString(), "--table", table.toString(), "--out",
        probeOut.toString(), "--align", "none");
    Row cam0 = HappyHouseStoryTest.byKey(probeOut.resolve("identify.parquet")).get("cam0");
    double d = Distances.l2(Embeddings.of(younes.getList(younes.fieldIndex(
        "embedding"))), Embeddings.of(cam0.getList(cam0.fieldIndex("embedding"))));
    assertThat(a.get("e1").<Double>getAs("distance")).isCloseTo(d,
        org.assertj.core.data.Offset.offset(1e-5));
  }
}
