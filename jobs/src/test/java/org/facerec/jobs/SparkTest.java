package org.facerec.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.facerec.cli.Facerec;
import org.facerec.io.DeltaTables;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * One local[2] session per test class; commands run through the CLI entry point, which joins the
 * active session instead of starting its own.
 */
public abstract class SparkTest {
  protected static SparkSession spark;

  @BeforeAll
  static void startSpark() {
    spark = SparkSession.builder().master("local[2]").appName("facerec-test")
        .config("spark.ui.enabled", "false")
        .config("spark.ui.showConsoleProgress", "false")
        .config("spark.driver.host", "127.0.0.1")
        .config("spark.driver.bindAddress", "127.0.0.1")
        .config("spark.sql.shuffle.partitions", "4")
        .config("spark.sql.extensions", DeltaTables.EXTENSION)
        .config("spark.sql.catalog.spark_catalog", DeltaTables.CATALOG)
        .config(DeltaTables.SNAPSHOT_PARTITIONS, DeltaTables.localSnapshotPartitions())
        .getOrCreate();
  }

  @AfterAll
  static void stopSpark() {
    spark.stop();
    SparkSession.clearDefaultSession();
    SparkSession.clearActiveSession();
  }

  /** What one command printed and returned. */
  public record Result(int exitCode, String out, String err) {}

  public static Result facerec(String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code = Facerec.run(new PrintWriter(out, true, StandardCharsets.UTF_8),
        new PrintWriter(err, true, StandardCharsets.UTF_8), args);
    return new Result(code, out.toString(StandardCharsets.UTF_8),
        err.toString(StandardCharsets.UTF_8));
  }

  /** Runs a command that must succeed. */
  public static Result ok(String... args) {
    Result r = facerec(args);
    assertThat(r.exitCode()).as("facerec %s\nstderr: %s", String.join(" ", args), r.err())
        .isZero();
    return r;
  }

  /** A table as any Spark reads it: a Delta table's latest version, or a Parquet folder. */
  public static Dataset<Row> parquet(Path p) {
    return java.nio.file.Files.isDirectory(p.resolve("_delta_log"))
        ? spark.read().format("delta").load(p.toString()) : spark.read().parquet(p.toString());
  }

  public static List<Row> rows(Dataset<Row> d, String... orderBy) {
    return d.orderBy(orderBy[0], java.util.Arrays.copyOfRange(orderBy, 1, orderBy.length))
        .collectAsList();
  }
}
