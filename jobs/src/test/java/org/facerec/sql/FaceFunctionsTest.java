package org.facerec.sql;

import static org.apache.spark.sql.functions.call_function;
import static org.apache.spark.sql.functions.col;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.facerec.TestData;
import org.facerec.jobs.SparkTest;
import org.facerec.match.Distances;
import org.facerec.spark.Embeddings;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The SQL functions in a session started with {@code spark.sql.extensions} (as spark-sql would
 * be), on real lfw-dev encodings: results equal the Java distance code, face_embed equals what
 * enroll stored, face_nearest equals a brute-force scan, and unusable values give null.
 */
class FaceFunctionsTest {
  @TempDir
  static Path dir;
  static SparkSession spark;
  /** image path -> (resident, encoding) as enroll stored them. */
  static final Map<String, float[]> ENC = new HashMap<>();
  static final Map<String, String> WHO = new HashMap<>();

  /** The README's queries: residents whose photos disagree, and the closest residents. */
  static final String FAR_APART = "SELECT a.resident_id, count(*) AS photo_pairs, "
      + "round(max(face_distance(a.embedding, b.embedding)), 4) AS widest "
      + "FROM residents a JOIN residents b "
      + "ON a.resident_id = b.resident_id AND a.image_path < b.image_path "
      + "WHERE a.status = 'OK' AND b.status = 'OK' "
      + "GROUP BY a.resident_id HAVING NOT bool_and(face_match(a.embedding, b.embedding)) "
      + "ORDER BY widest DESC";
  static final String LOOK_ALIKES = "SELECT a.resident_id, b.resident_id AS look_alike, "
      + "round(min(face_distance(a.embedding, b.embedding)), 4) AS distance "
      + "FROM residents a JOIN residents b ON a.resident_id < b.resident_id "
      + "WHERE a.status = 'OK' AND b.status = 'OK' "
      + "GROUP BY a.resident_id, b.resident_id ORDER BY distance LIMIT 10";
  static String mistaken;
  static String mistakenFor;

  /** Five people with three photos each, and the first given a fourth photo of the second. */
  @BeforeAll
  static void enrolSixteenPhotos() throws IOException {
    spark = SparkSession.builder().master("local[2]").appName("facerec-sql-test")
        .config("spark.ui.enabled", "false")
        .config("spark.driver.host", "127.0.0.1")
        .config("spark.driver.bindAddress", "127.0.0.1")
        .config("spark.sql.shuffle.partitions", "4")
        // facerec's functions, and Delta's commands for the residents table enroll writes
        .config("spark.sql.extensions", FaceSqlExtensions.class.getName() + ","
            + org.facerec.io.DeltaTables.EXTENSION)
        .config("spark.sql.catalog.spark_catalog", org.facerec.io.DeltaTables.CATALOG)
        .config(org.facerec.io.DeltaTables.SNAPSHOT_PARTITIONS,
            org.facerec.io.DeltaTables.localSnapshotPartitions())
        .config("spark.facerec.align", "none")
        .config("spark.facerec.framing", "lfw")
        .getOrCreate();
    Path lfw = TestData.data("lfw-dev/images");
    List<String> manifest = new ArrayList<>(List.of("resident_id,path"));
    Path images = Files.createDirectories(dir.resolve("images"));
    Path spare = null;
    try (var people = Files.list(lfw)) {
      for (Path person : people.sorted().toList()) {
        List<Path> photos;
        try (var f = Files.list(person)) {
          photos = f.sorted().limit(4).toList();
        }
        if (photos.size() == 4 && manifest.size() < 16) {
          for (Path p : photos.subList(0, 3)) {
            Path copy = Files.copy(p, images.resolve(p.getFileName()));
            manifest.add(person.getFileName() + "," + copy);
          }
          if (manifest.size() == 7) {
            mistakenFor = person.getFileName().toString();
            spare = photos.get(3);
          }
        }
      }
    }
    // an enrolment mistake: the first resident is given a photo of the second
    mistaken = manifest.get(1).split(",")[0];
    manifest.add(mistaken + "," + Files.copy(spare, images.resolve("mistake.jpg")));
    Files.write(dir.resolve("manifest.csv"), manifest);
    SparkTest.ok("enroll", "--manifest", dir.resolve("manifest.csv").toString(), "--table",
        dir.resolve("residents").toString());
    spark.read().format("delta").load(dir.resolve("residents").toString())
        .createOrReplaceTempView("residents");
    for (Row r : spark.table("residents").collectAsList()) {
      assertThat(r.<String>getAs("status")).isEqualTo("OK");
      ENC.put(r.getAs("image_path"), Embeddings.of(r, r.fieldIndex("embedding")));
      WHO.put(r.getAs("image_path"), r.getAs("resident_id"));
    }
    assertThat(ENC).hasSize(16);
  }

  @AfterAll
  static void stop() {
    spark.stop();
    SparkSession.clearDefaultSession();
    SparkSession.clearActiveSession();
  }

  @Test
  void distancesEqualTheJavaCode() {
    List<Row> rows = spark.sql("SELECT a.image_path AS p, b.image_path AS q, "
        + "face_distance(a.embedding, b.embedding) AS d, face_cosine(a.embedding, b.embedding) "
        + "AS c, face_match(a.embedding, b.embedding) AS m, "
        + "face_match(a.embedding, b.embedding, 0.45) AS m45 "
        + "FROM residents a CROSS JOIN residents b").collectAsList();
    assertThat(rows).hasSize(256);
    int same = 0;
    for (Row r : rows) {
      float[] a = ENC.get(r.getString(0));
      float[] b = ENC.get(r.getString(1));
      double d = Distances.l2(a, b);
      assertThat(r.getDouble(2)).isEqualTo(d);
      assertThat(r.getDouble(3)).isEqualTo(Distances.cosine(a, b));
      assertThat(r.getBoolean(4)).isEqualTo(d < 0.6); // dlib's configured threshold
      assertThat(r.getBoolean(5)).isEqualTo(d < 0.45);
      same += WHO.get(r.getString(0)).equals(WHO.get(r.getString(1))) && r.getBoolean(4) ? 1 : 0;
    }
    assertThat(same).as("genuine pairs matched").isGreaterThan(35);

    // the DataFrame API reaches them by name
    Row first = spark.table("residents").alias("a")
        .select(call_function("face_distance", col("embedding"), col("embedding")).as("d"))
        .first();
    assertThat(first.getDouble(0)).isZero();
  }

  @Test
  void faceEmbedEncodesImageBytesAsEnrollDid() {
    List<Row> rows = spark.sql("SELECT path, face_embed(content) AS e, "
        + "face_embed_result(content) AS r FROM binaryFile.`" + dir.resolve("images") + "`")
        .collectAsList();
    assertThat(rows).hasSize(16);
    for (Row r : rows) {
      float[] enrolled = ENC.get(r.getString(0));
      assertThat(enrolled).as(r.getString(0)).isNotNull();
      float[] e = Embeddings.of(r, 1);
      // one image per forward pass here, a batch in enroll: the same up to float rounding
      assertThat(Distances.l2(e, enrolled)).isLessThan(1e-4);
      Row result = r.getStruct(2);
      assertThat(result.<String>getAs("status")).isEqualTo("OK");
      assertThat(result.<String>getAs("error")).isNull();
      assertThat(result.getList(result.fieldIndex("face_box"))).containsExactly(0, 0, 250, 250);
    }
    Row bad = spark.sql("SELECT face_embed(X'00010203') AS e, face_embed_result(X'00010203') AS r, "
        + "face_embed(CAST(NULL AS BINARY)) AS n").first();
    assertThat(bad.isNullAt(0)).isTrue();
    assertThat(bad.getStruct(1).<String>getAs("status")).isEqualTo("BAD_IMAGE");
    assertThat(bad.getStruct(1).<String>getAs("error")).isNotBlank();
    assertThat(bad.isNullAt(2)).isTrue();
  }

  @Test
  void faceNearestEqualsABruteForceScan() {
    List<Row> rows = spark.sql("SELECT image_path, face_nearest(embedding, 'residents', 3) AS n3, "
        + "face_nearest(embedding, 'residents') AS n1 FROM residents").collectAsList();
    assertThat(rows).hasSize(16);
    for (Row r : rows) {
      float[] probe = ENC.get(r.getString(0));
      Map<String, Double> best = new HashMap<>();
      ENC.forEach((p, v) -> best.merge(WHO.get(p), Distances.l2(probe, v), Math::min));
      List<Map.Entry<String, Double>> brute = new ArrayList<>(best.entrySet());
      brute.sort(Map.Entry.<String, Double>comparingByValue()
          .thenComparing(Map.Entry.comparingByKey()));
      List<Row> n3 = r.getList(1);
      assertThat(n3).hasSize(3);
      for (int i = 0; i < 3; i++) {
        assertThat(n3.get(i).getString(0)).isEqualTo(brute.get(i).getKey());
        assertThat(n3.get(i).getDouble(1)).isEqualTo(brute.get(i).getValue());
      }
      assertThat(r.getList(2)).hasSize(1);
      assertThat(((Row) r.getList(2).get(0)).getString(0)).isEqualTo(brute.get(0).getKey());
    }
    assertThatThrownBy(() -> spark.sql("SELECT face_nearest(embedding, image_path) FROM "
        + "residents").collect()).hasMessageContaining("must name a table or view");
    assertThatThrownBy(() -> spark.sql("SELECT face_nearest(embedding, 'nope') FROM residents")
        .collect()).hasMessageContaining("nope");
  }

  @Test
  void theReadmeQueriesFindTheEnrolmentMistake() {
    String table = "residents=" + dir.resolve("residents");
    List<String> far = SparkTest.ok("query", "--table", table, FAR_APART).out().lines().toList();
    assertThat(far.get(0)).matches("resident_id +photo_pairs +widest");
    assertThat(far.subList(2, far.size())).as(String.join("\n", far)).satisfiesExactly(
        l -> assertThat(l).matches(mistaken + " +6 +0\\.\\d+"),
        l -> assertThat(l).isEqualTo("(1 row)"));

    List<String> alike = SparkTest.ok("query", "--table", table, LOOK_ALIKES).out().lines()
        .toList();
    assertThat(alike.get(0)).matches("resident_id +look_alike +distance");
    assertThat(alike).hasSize(2 + 10 + 1);
    // the photo of someone else makes the mistaken resident look like him
    assertThat(alike.get(2)).matches(mistaken + " +" + mistakenFor + " +0\\.\\d{4}");
    double previous = 0;
    for (String line : alike.subList(2, 12)) {
      double d = Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
      assertThat(d).isGreaterThanOrEqualTo(previous);
      previous = d;
    }
  }

  @Test
  void unusableEncodingsGiveNullAndSayWhy() {
    // good and bad rows in one query: the bad ones are null, the query runs
    List<Row> rows = spark.sql("SELECT image_path, "
        + "face_distance(embedding, embedding) AS same, "
        + "face_distance(NULL, embedding) AS nul, "
        + "face_distance(slice(embedding, 1, 127), embedding) AS short, "
        + "face_distance(array(1.0, NULL), embedding) AS holes, "
        + "face_cosine(slice(embedding, 1, 64), slice(embedding, 1, 64)) AS c, "
        + "face_match(embedding, concat(embedding, array(CAST(0 AS FLOAT)))) AS m, "
        + "face_match(embedding, embedding, CAST(NULL AS DOUBLE)) AS mt, "
        + "face_nearest(slice(embedding, 1, 100), 'residents', 2) AS n, "
        + "face_nearest(embedding, 'residents', 0) AS k0, "
        + "face_error(slice(embedding, 1, 127)) AS e1, face_error(embedding) AS ok, "
        + "face_error(array(1.0, NULL), NULL) AS e2 "
        + "FROM residents").collectAsList();
    assertThat(rows).hasSize(16);
    for (Row r : rows) {
      assertThat(r.getDouble(1)).isZero();
      for (int i = 2; i <= 9; i++) {
        assertThat(r.isNullAt(i)).as("column %d of %s", i, r).isTrue();
      }
      assertThat(r.getString(10)).isEqualTo("the encoding has 127 values, not 128");
      assertThat(r.isNullAt(11)).isTrue();
      assertThat(r.getString(12)).isEqualTo("first: the encoding has 2 values, not 128; "
          + "second: the encoding is null");
    }
    // a wrong type is the query's mistake: it fails before running, saying what was expected
    assertThatThrownBy(() -> spark.sql("SELECT face_distance(image_path, embedding) FROM "
        + "residents").collect()).hasMessageContaining("must be an encoding (an array of numbers)");
    assertThatThrownBy(() -> spark.sql("SELECT face_embed(image_path) FROM residents").collect())
        .hasMessageContaining("takes image bytes");
    assertThat(spark.sql("SELECT face_distance(array(0.5D), array(0.5D))").first().isNullAt(0))
        .isTrue();
    assertThat(spark.sql("SELECT face_cosine(embedding, embedding) FROM residents").first()
        .getDouble(0)).isCloseTo(1.0, within(1e-12));
  }
}
