package org.facerec.jobs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.apache.hadoop.conf.Configuration;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.hadoop.util.HadoopInputFile;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.facerec.TestData;
import org.facerec.crypto.InMemoryKms;
import org.facerec.io.Protection;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * With facerec.encryption.enabled, every table's embedding and image_path columns and its footer
 * are encrypted (Parquet modular encryption through a KMS client): without the keys the tables
 * cannot be read, with them they read as before, and the CSV copies carry neither column.
 */
class EncryptionTest extends SparkTest {
  static final String[] PROTECT = {"--set", "facerec.encryption.enabled=true", "--set",
      "facerec.encryption.image-path=true"};
  static final Map<String, String> WITH_KEYS = Map.of(
      "parquet.crypto.factory.class", Protection.CRYPTO_FACTORY,
      "parquet.encryption.kms.client.class", InMemoryKms.class.getName());
  static final Path SAMPLES = HappyHouseStoryTest.SAMPLES;

  @TempDir
  static Path dir;
  static Path images;
  static String footerKey;

  @BeforeAll
  static void enrolVerifyIdentifyEncrypted() {
    // the master keys live in the KMS; the in-memory one takes them from the Hadoop settings
    footerKey = randomKey();
    spark.sparkContext().hadoopConfiguration().set(InMemoryKms.KEY_LIST,
        "facerec-footer:" + footerKey + ", facerec-biometric:" + randomKey());
    images = TestData.data("happy-house/images");
    String conf = SAMPLES.resolve("facerec.conf").toString();
    String table = dir.resolve("residents").toString();
    ok(with("enroll", "--manifest", SAMPLES.resolve("residents.csv").toString(),
        "--images-root", images.toString(), "--table", table, "--conf", conf));
    ok(with("verify", "--events", SAMPLES.resolve("badge-events.csv").toString(),
        "--images-root", images.toString(), "--table", table, "--out", dir.resolve("out")
            .toString(), "--conf", conf));
    ok(with("identify", "--log", SAMPLES.resolve("camera-log.csv").toString(),
        "--images-root", images.toString(), "--table", table, "--out", dir.resolve("out")
            .toString(), "--conf", conf));
  }

  static String[] with(String... args) {
    String[] all = java.util.Arrays.copyOf(args, args.length + PROTECT.length);
    System.arraycopy(PROTECT, 0, all, args.length, PROTECT.length);
    return all;
  }

  static String randomKey() {
    byte[] k = new byte[16];
    new SecureRandom().nextBytes(k);
    return Base64.getEncoder().encodeToString(k);
  }

  /**
   * {@code collect} of the table read with the keys: a folder table with them as the reader's
   * options; a Delta table, whose reader takes no options, with them in the session meanwhile.
   */
  static List<Row> withKeys(Path table, Map<String, String> keys,
      Function<Dataset<Row>, List<Row>> collect) {
    if (!Files.isDirectory(table.resolve("_delta_log"))) {
      return collect.apply(spark.read().options(keys).parquet(table.toString()));
    }
    keys.forEach((k, v) -> spark.conf().set(k, v));
    try {
      return collect.apply(spark.read().format("delta").load(table.toString()));
    } finally {
      keys.keySet().forEach(k -> spark.conf().unset(k));
    }
  }

  static List<Row> withKeys(Path table, Function<Dataset<Row>, List<Row>> collect) {
    return withKeys(table, WITH_KEYS, collect);
  }

  @Test
  void withTheKeysTheTablesReadAsPlainOnesDo() {
    // the same enrolment without encryption: every column equal
    Path plain = dir.resolve("plain/residents"); // its enroll.csv beside it, in plain/
    ok("enroll", "--manifest", SAMPLES.resolve("residents.csv").toString(), "--images-root",
        images.toString(), "--table", plain.toString(), "--conf",
        SAMPLES.resolve("facerec.conf").toString());
    List<Row> encrypted = withKeys(dir.resolve("residents"),
        d -> rows(d.drop("enrolled_at"), "resident_id"));
    assertThat(encrypted).hasSize(12)
        .isEqualTo(rows(parquet(plain).drop("enrolled_at"), "resident_id"));
    // and the jobs read them: the story comes out as with plain tables
    Map<String, String> decisions = new HashMap<>();
    withKeys(dir.resolve("out/verify.parquet"), Dataset::collectAsList)
        .forEach(r -> decisions.put(r.getAs("event_id"), r.getAs("decision")));
    assertThat(decisions).containsEntry("e1", "ACCEPT").containsEntry("e2", "REJECT");
    Map<String, String> who = new HashMap<>();
    withKeys(dir.resolve("out/identify.parquet"), Dataset::collectAsList)
        .forEach(r -> who.put(r.getAs("event_id"), r.getAs("identity")));
    assertThat(who).containsEntry("cam0", "younes").containsEntry("cam2", "benoit")
        .hasSize(6);
  }

  @Test
  void withoutTheKeysNothingIsReadable() throws IOException {
    for (String t : List.of("residents", "out/verify.parquet", "out/identify.parquet")) {
      Path table = dir.resolve(t);
      // Spark without a KMS: the footer (schema, statistics) is encrypted
      assertThatThrownBy(() -> parquet(table).collectAsList()).as(t)
          .satisfies(e -> assertThat(causes(e)).contains("encrypted footer"));
      for (Path part : parts(table)) {
        // parquet-mr's own reader, no decryption properties
        assertThatThrownBy(() -> ParquetFileReader.open(HadoopInputFile.fromPath(
            new org.apache.hadoop.fs.Path(part.toUri()), new Configuration())).close())
            .as(part.toString()).satisfies(e -> assertThat(causes(e)).contains("encrypted"));
        // the protected values are nowhere in the bytes: the images' folder, as written
        assertThat(new String(Files.readAllBytes(part), StandardCharsets.ISO_8859_1))
            .as(part.toString()).doesNotContain("happy-house/images");
      }
    }
    // nor in the residents table's Delta log, which keeps no column statistics
    for (Path f : ParquetFiles.all(dir.resolve("residents/_delta_log"))) {
      assertThat(new String(Files.readAllBytes(f), StandardCharsets.ISO_8859_1))
          .as(f.toString()).doesNotContain("happy-house/images");
    }
  }

  /**
   * Delta writes its own Parquet files too (a checkpoint of its log, every ten commits by
   * default) while the write's encryption settings are on: they are written plain, and the table
   * stays readable.
   */
  @Test
  void deltaCheckpointsAreWrittenBesideEncryptedDataFiles() throws IOException {
    Path table = dir.resolve("many/residents");
    String conf = SAMPLES.resolve("facerec.conf").toString();
    List<String> all = Files.readAllLines(SAMPLES.resolve("residents.csv"));
    String interval = "spark.databricks.delta.properties.defaults.checkpointInterval";
    // the table is created with it: its version 2, the third enroll's, checkpoints
    spark.conf().set(interval, "2");
    try {
      for (int n : new int[] {1, 2, 3}) {
        Path manifest = Files.write(dir.resolve("many-" + n + ".csv"), all.subList(0, 1 + n));
        ok(with("enroll", "--manifest", manifest.toString(), "--images-root",
            images.toString(), "--table", table.toString(), "--conf", conf));
      }
    } finally {
      spark.conf().unset(interval);
    }
    try (var s = Files.list(table.resolve("_delta_log"))) {
      assertThat(s.map(p -> p.getFileName().toString()))
          .anyMatch(n -> n.endsWith(".checkpoint.parquet"));
    }
    assertThat(withKeys(table, Dataset::collectAsList)).hasSize(3);
  }

  @Test
  void aJobWithoutTheEncryptionSettingsSaysTheTableIsEncrypted() {
    Result r = facerec("verify", "--events", SAMPLES.resolve("badge-events.csv").toString(),
        "--images-root", images.toString(), "--table", dir.resolve("residents").toString(),
        "--out", dir.resolve("unread").toString());
    assertThat(r.exitCode()).isEqualTo(1);
    assertThat(r.err().strip()).startsWith("facerec verify: cannot read table "
        + dir.resolve("residents")).endsWith("(the table is encrypted: set "
        + "facerec.encryption.enabled=true and the KMS settings)").doesNotContain("\n");
  }

  @Test
  void aKmsWithoutTheColumnKeyReadsTheRestButNotTheEmbeddings() {
    // another access token, so that no cached key from the reads above helps
    Map<String, String> footerOnly = new HashMap<>(WITH_KEYS);
    footerOnly.put("parquet.encryption.key.access.token", "analyst");
    footerOnly.put(InMemoryKms.KEY_LIST, "facerec-footer:" + footerKey);
    Path table = dir.resolve("residents");
    assertThat(withKeys(table, footerOnly,
        d -> d.select("resident_id", "status").collectAsList())).hasSize(12);
    assertThatThrownBy(() -> withKeys(table, footerOnly,
        d -> d.select("embedding").collectAsList()))
        .satisfies(e -> assertThat(causes(e)).contains("no master key 'facerec-biometric'"));
  }

  @Test
  void csvCopiesCarryNeitherProtectedColumn() throws IOException {
    for (String csv : List.of("enroll.csv", "out/verify.csv", "out/identify.csv")) {
      List<String> lines = Files.readAllLines(dir.resolve(csv));
      assertThat(lines.get(0).split(",")).as(csv).doesNotContain("image_path", "embedding");
      assertThat(String.join("\n", lines)).as(csv).doesNotContain("happy-house/images");
    }
    assertThat(Files.readAllLines(dir.resolve("enroll.csv"))).hasSize(13);
  }

  /** With image paths encrypted, the reports show neither paths nor photos, and say why. */
  @Test
  void reportsShowNeitherPathsNorPhotos() throws IOException {
    for (String job : List.of("verify", "identify")) {
      String html = Files.readString(dir.resolve("out/" + job + "-report.html"));
      assertThat(html).as(job).doesNotContain("happy-house/images").doesNotContain("<img")
          .contains("class=\"missing\"").contains("No photos: image paths are encrypted");
    }
  }

  /** query reads the encrypted tables, but prints no encodings. */
  @Test
  void queryComputesOnEncodingsButDoesNotPrintThem() {
    String view = "i=" + dir.resolve("out/identify.parquet");
    Result r = ok(with("query", "--table", view, "SELECT event_id, "
        + "face_distance(embedding, embedding) AS d FROM i ORDER BY event_id LIMIT 1"));
    assertThat(r.out()).contains("cam0      0.0");
    Result refused = facerec(with("query", "--table", view, "SELECT embedding AS e FROM i"));
    assertThat(refused.exitCode()).isEqualTo(1);
    assertThat(refused.err().strip()).isEqualTo("facerec query: column e holds face encodings, "
        + "which facerec does not print or write as text while encryption is on");
  }

  @Test
  void embedRefusesToWriteEncodingsInClearText() {
    Result r = facerec(with("embed", "--out", dir.resolve("e.csv").toString(),
        images.resolve("younes.jpg").toString()));
    assertThat(r.exitCode()).isEqualTo(1);
    assertThat(r.err().strip()).isEqualTo("facerec embed: embed writes encodings to a CSV in "
        + "clear text, which facerec.encryption.enabled forbids; use the Parquet tables of enroll "
        + "or identify");
  }

  static List<Path> parts(Path table) throws IOException {
    try (var s = Files.walk(table)) {
      List<Path> p = s.filter(f -> Files.isRegularFile(f)
          && f.getFileName().toString().endsWith(".parquet")).toList();
      assertThat(p).as("parquet files in " + table).isNotEmpty();
      return p;
    }
  }

  /** Every message in the cause chain, one per line. */
  static String causes(Throwable e) {
    StringBuilder sb = new StringBuilder();
    for (Throwable t = e; t != null; t = t.getCause()) {
      sb.append(t).append('\n');
    }
    return sb.toString();
  }
}
