package org.facerec.io;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;

import io.delta.exceptions.DeltaConcurrentModificationException;
import io.delta.tables.DeltaTable;
import java.io.IOException;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.StructType;

/**
 * facerec's Delta Lake tables: the residents table and the nightly histories. A commit is one
 * file in the table's {@code _delta_log} written put-if-absent (a rename where renames are
 * atomic, S3's single-driver log store on {@code s3a://}): a run that dies before it leaves the
 * previous version as the table, and files it had written are never read (a later VACUUM removes
 * them). Every version stays readable ({@code versionAsOf}) until a VACUUM removes its files.
 *
 * <p>What is special about facerec's tables is fixed when one is created ({@link #PROPERTIES}):
 * no deletion vectors, so that a delete rewrites the files that held the rows and a VACUUM then
 * removes every copy (erasure); no column statistics in the log, so that the log, which a VACUUM
 * does not rewrite, holds no names or paths. Rows are deleted by joins, never by a predicate
 * naming them, for the same reason: a commit records its predicate in the log.
 */
public final class DeltaTables {
  public static final String EXTENSION = "io.delta.sql.DeltaSparkSessionExtension";
  public static final String CATALOG = "org.apache.spark.sql.delta.catalog.DeltaCatalog";
  /** Table properties of every table facerec creates (see the class comment). */
  public static final Map<String, String> PROPERTIES = Map.of(
      "delta.enableDeletionVectors", "false",
      "delta.dataSkippingNumIndexedCols", "0");
  /**
   * How many tasks Delta reads a table's log with. Its default, 50, costs a local job seconds at
   * every snapshot (a small enroll computes several), for logs of a few files.
   */
  public static final String SNAPSHOT_PARTITIONS = "spark.databricks.delta.snapshotPartitions";
  /** The column a merge's source rows say what to do with ({@link #merge}). */
  private static final String OP = "_facerec_op";
  private static final String RETENTION_CHECK =
      "spark.databricks.delta.retentionDurationCheck.enabled";

  private DeltaTables() {}

  /** {@link #SNAPSHOT_PARTITIONS} for a session on this machine's cores. */
  public static String localSnapshotPartitions() {
    return Integer.toString(Runtime.getRuntime().availableProcessors());
  }

  /** True when there is a Delta table (at least one committed version) at {@code path}. */
  public static boolean isDelta(SparkSession spark, String path) {
    return DeltaTable.isDeltaTable(spark, path);
  }

  /**
   * Checks that the session can run Delta's commands (MERGE, DELETE and VACUUM need Delta's
   * session extension, which must be set when the session starts).
   */
  public static void requireExtension(SparkSession spark) throws IOException {
    String ext = spark.conf().get("spark.sql.extensions", "");
    if (!Arrays.asList(ext.split("\\s*,\\s*")).contains(EXTENSION)) {
      throw new IOException("facerec's tables are Delta tables: start Spark with "
          + "spark.sql.extensions=" + EXTENSION + " and spark.sql.catalog.spark_catalog="
          + CATALOG + " (facerec's own sessions have them)");
    }
  }

  /** The latest version of the Delta table at {@code path}. */
  public static long version(SparkSession spark, String path) {
    return DeltaTable.forPath(spark, path).history(1).select("version").head().getLong(0);
  }

  /**
   * The version an audit names: {@code asOf} as a version (digits) or as a time (the last
   * version committed at or before it, as Delta's {@code timestampAsOf}), or the latest version.
   */
  public static long resolve(SparkSession spark, String path, String asOf) throws IOException {
    if (asOf == null) {
      return version(spark, path);
    }
    Dataset<Row> history = DeltaTable.forPath(spark, path).history().select("version",
        "timestamp");
    if (asOf.matches("\\d+")) {
      long v = Long.parseLong(asOf);
      if (history.filter(col("version").equalTo(v)).isEmpty()) {
        throw new IOException(path + " has no version " + v + " (its latest is "
            + version(spark, path) + ")");
      }
      return v;
    }
    // a time as Delta's timestampAsOf reads it: in the session's time zone
    Row at = spark.sql("SELECT try_to_timestamp(?)", new Object[] {asOf}).head();
    if (at.isNullAt(0)) {
      throw new IOException("--as-of takes a version number or a time (yyyy-mm-dd[ hh:mm:ss]), "
          + "not '" + asOf + "'");
    }
    List<Row> before = history.filter(col("timestamp").leq(lit(at.getTimestamp(0))))
        .orderBy(col("version").desc()).limit(1).collectAsList();
    if (before.isEmpty()) {
      throw new IOException(path + " has no version committed at or before " + asOf);
    }
    return before.get(0).getLong(0);
  }

  /** The table at {@code path} as it was at {@code version}. */
  public static Dataset<Row> read(SparkSession spark, String path, long version) {
    return spark.read().format("delta").option("versionAsOf", version).load(path);
  }

  /** The latest version of the table at {@code path}. */
  public static Dataset<Row> read(SparkSession spark, String path) {
    return spark.read().format("delta").load(path);
  }

  /**
   * Creates an empty table of {@code schema} at {@code path} with facerec's {@link #PROPERTIES}
   * (partitioned by {@code partitionBy} when given), its write's settings {@code conf} (e.g.
   * encryption); nothing when a table is there.
   */
  public static void create(SparkSession spark, String path, StructType schema,
      Map<String, String> conf, String... partitionBy) throws IOException {
    if (isDelta(spark, path)) {
      return;
    }
    try {
      createWith(spark, path, spark.createDataFrame(List.of(), schema), conf, partitionBy);
    } catch (Conflict e) {
      // another run created it meanwhile: the same empty table
    }
  }

  /**
   * Creates the table at {@code path} holding {@code rows}, of {@code rows}' schema, in one
   * commit: version 0, with facerec's {@link #PROPERTIES} and the write's settings {@code conf}.
   * Refuses, writing nothing, when another writer created it first.
   *
   * @return the version committed
   */
  public static long createWith(SparkSession spark, String path, Dataset<Row> rows,
      Map<String, String> conf, String... partitionBy) throws IOException {
    // the write's settings too: Spark writes an empty DataFrame as one file, encrypted like any
    Map<String, String> defaults = new LinkedHashMap<>(conf);
    PROPERTIES.forEach((k, v) -> defaults.put("spark.databricks.delta.properties.defaults."
        + k.substring("delta.".length()), v));
    try {
      commit(path, () -> withConf(spark, defaults, () -> {
        rows.write().format("delta").partitionBy(partitionBy).mode(SaveMode.ErrorIfExists)
            .save(path);
        return null;
      }));
    } catch (IOException e) {
      if (e instanceof Conflict || !isDelta(spark, path)) {
        throw e;
      }
      throw conflict(path, version(spark, path));
    }
    return version(spark, path);
  }

  /**
   * Makes the table at {@code path} hold {@code after} where it held {@code before} (version
   * {@code readVersion}), writing only what changed: one MERGE keyed by {@code keys} (null-safe)
   * that deletes the rows whose key is gone, updates the changed rows, inserts the new ones.
   * Refuses, writing nothing, when another writer committed after {@code readVersion}.
   *
   * @return the version committed
   */
  public static long merge(SparkSession spark, String path, Dataset<Row> before,
      Dataset<Row> after, List<String> keys, long readVersion, Map<String, String> conf)
      throws IOException {
    String[] columns = after.columns();
    Column[] keyCols = keys.stream().map(k -> col(k)).toArray(Column[]::new);
    Column[] all = java.util.Arrays.stream(columns).map(c -> col(c)).toArray(Column[]::new);
    Dataset<Row> upserts = after.except(before.select(all)).withColumn(OP, lit("upsert"));
    Dataset<Row> gone = before.select(keyCols).except(after.select(keyCols));
    for (String c : columns) {
      if (!keys.contains(c)) {
        gone = gone.withColumn(c, lit(null).cast(after.schema().apply(c).dataType()));
      }
    }
    Dataset<Row> source = upserts.unionByName(gone.withColumn(OP, lit("delete")));
    Column on = null;
    for (String k : keys) {
      Column eq = col("t." + k).eqNullSafe(col("s." + k));
      on = on == null ? eq : on.and(eq);
    }
    Map<String, Column> set = new LinkedHashMap<>();
    for (String c : columns) {
      set.put(c, col("s." + c));
    }
    Column delete = col("s." + OP).equalTo("delete");
    Column upsert = col("s." + OP).equalTo("upsert");
    final Column condition = on;
    return commit(path, () -> {
      long now = version(spark, path);
      if (now != readVersion) {
        throw conflict(path, now);
      }
      withConf(spark, conf, () -> {
        DeltaTable.forPath(spark, path).as("t").merge(source.as("s"), condition)
            .whenMatched(delete).delete()
            .whenMatched(upsert).update(set)
            .whenNotMatched(upsert).insert(set)
            .execute();
        return null;
      });
      return version(spark, path);
    });
  }

  /**
   * Deletes the rows of the table at {@code path} whose {@code keys} equal (null-safe) those of
   * a row of {@code rows}: a MERGE whose predicate names columns only, so that the log does not
   * name the rows deleted.
   */
  public static void deleteMatching(SparkSession spark, String path, Dataset<Row> rows,
      List<String> keys, Map<String, String> conf) throws IOException {
    Column on = null;
    for (String k : keys) {
      Column eq = col("t." + k).eqNullSafe(col("s." + k));
      on = on == null ? eq : on.and(eq);
    }
    Column condition = on;
    Dataset<Row> source = rows.select(keys.stream().map(k -> col(k)).toArray(Column[]::new))
        .distinct();
    commit(path, () -> withConf(spark, conf, () -> {
      DeltaTable.forPath(spark, path).as("t").merge(source.as("s"), condition)
          .whenMatched().delete().execute();
      return null;
    }));
  }

  /**
   * Removes every file of the table at {@code path} that its latest version does not use, old
   * versions' and crashed writes' alike: what erasure needs, deliberately past Delta's
   * seven-day safety check (which protects readers of old versions; after an erasure those
   * versions must not be readable). Only for this call: the check stays on for everything else.
   */
  public static void vacuumAll(SparkSession spark, String path) throws IOException {
    commit(path, () -> withConf(spark, Map.of(RETENTION_CHECK, "false"),
        () -> DeltaTable.forPath(spark, path).vacuum(0.0).count()));
  }

  /**
   * Appends {@code rows} to the table at {@code path}, replacing the rows {@code replaceWhere}
   * selects (a re-run of the same input replaces, never adds); rows must all match it.
   */
  public static long replace(SparkSession spark, String path, Dataset<Row> rows,
      String replaceWhere, Map<String, String> conf) throws IOException {
    return commit(path, () -> withConf(spark, conf, () -> {
      // mergeSchema: a run decided by a head adds p_same and p_threshold to a history begun
      // without one (and a run without a head leaves them null)
      rows.write().format("delta").mode(SaveMode.Overwrite).option("replaceWhere", replaceWhere)
          .option("mergeSchema", "true").save(path);
      return version(spark, path);
    }));
  }

  /**
   * Runs one commit to the table at {@code path}; a failure becomes an IOException saying that
   * the table is unchanged, and a conflict with another writer says so and what to do.
   */
  static <T> T commit(String path, Callable<T> body) throws IOException {
    try {
      return body.call();
    } catch (Conflict e) {
      throw e;
    } catch (DeltaConcurrentModificationException e) {
      throw new Conflict("another run changed " + path + " while this one was writing it ("
          + e.getClass().getSimpleName() + "); nothing of this run was written: run it again",
          e);
    } catch (Exception e) {
      throw new IOException("could not write " + path + ", the previous output is unchanged: "
          + Failures.reason(e), e);
    }
  }

  /** Another writer committed first: nothing was written, and a re-run will land. */
  public static final class Conflict extends IOException {
    private static final long serialVersionUID = 1L;

    Conflict(String message, Throwable cause) {
      super(message, cause);
    }
  }

  private static IOException conflict(String path, long now) {
    return new Conflict("another run changed " + path + " while this one was reading it "
        + "(it is now at version " + now + "); nothing of this run was written: run it again",
        null);
  }

  /**
   * Runs {@code body} with {@code conf} set in the session (restored afterwards): how settings
   * reach the Parquet writer of a Delta table, which takes no data source options but these.
   */
  static <T> T withConf(SparkSession spark, Map<String, String> conf, Callable<T> body)
      throws Exception {
    Runnable restore = setConf(spark, conf);
    try {
      return body.call();
    } finally {
      restore.run();
    }
  }

  /** Sets {@code conf} in the session; what it returns puts the previous values back. */
  static Runnable setConf(SparkSession spark, Map<String, String> conf) {
    Map<String, String> previous = new LinkedHashMap<>();
    for (Map.Entry<String, String> e : conf.entrySet()) {
      previous.put(e.getKey(), spark.conf().contains(e.getKey())
          ? spark.conf().get(e.getKey()) : null);
      spark.conf().set(e.getKey(), e.getValue());
    }
    return () -> previous.forEach((k, v) -> {
      if (v == null) {
        spark.conf().unset(k);
      } else {
        spark.conf().set(k, v);
      }
    });
  }
}
