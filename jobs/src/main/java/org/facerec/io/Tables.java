package org.facerec.io;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.concat_ws;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.StructType;
import org.facerec.config.CommitMode;
import org.facerec.config.Settings;

/**
 * facerec's tables and files as one run reads and writes them: Delta tables ({@link DeltaTables}:
 * the residents table, the histories), and folder tables found where {@link Outputs}' commits
 * leave them (the version a pointer names, the folder itself, or the previous output of an
 * interrupted swap), all decrypted as the run's {@link Protection} says; tables written with
 * their biometric columns encrypted, CSV copies for people without the protected columns,
 * reports and JSON as one file, each replacing the previous output only once complete. Closing
 * it takes the run's decryption settings out of the session again.
 */
public final class Tables implements AutoCloseable {
  private final SparkSession spark;
  private final Protection protection;
  private final CommitMode commit;
  private final Runnable restore;

  public Tables(SparkSession spark, Protection protection, CommitMode commit) {
    this.spark = spark;
    this.protection = protection;
    this.commit = commit;
    // Delta's reader takes no options: the run's decryption settings go into the session
    this.restore = DeltaTables.setConf(spark, protection.deltaReadConf());
  }

  @Override
  public void close() {
    restore.run();
  }

  public SparkSession spark() {
    return spark;
  }

  public Protection protection() {
    return protection;
  }

  /** True when there is a table at {@code table}: a Delta table, or see {@link #dataPath}. */
  public boolean exists(String table) throws IOException {
    return isDelta(table) || dataPath(spark, table) != null;
  }

  /** True when the table at {@code table} is a Delta table. */
  public boolean isDelta(String table) throws IOException {
    return DeltaTables.isDelta(spark, deltaPath(spark, table));
  }

  /** The latest version of the Delta table at {@code table}. */
  public long version(String table) throws IOException {
    return DeltaTables.version(spark, deltaPath(spark, table));
  }

  /** The version {@code asOf} names (see {@link DeltaTables#resolve}), or the latest. */
  public long resolve(String table, String asOf) throws IOException {
    return DeltaTables.resolve(spark, deltaPath(spark, table), asOf);
  }

  /** The Delta table at {@code table} as it was at {@code version}, decrypted. */
  public Dataset<Row> read(String table, long version) throws IOException {
    try {
      Dataset<Row> rows = DeltaTables.read(spark, deltaPath(spark, table), version);
      FileSystem fs = Inputs.qualified(spark, table).getFileSystem(
          spark.sparkContext().hadoopConfiguration());
      for (String f : rows.inputFiles()) {
        if (!fs.exists(new Path(f))) {
          throw new FileNotFoundException("its files were deleted by a VACUUM (erase deletes "
              + "those of the versions before it)");
        }
      }
      rows.isEmpty(); // reads a footer now: missing keys fail here, not in the middle of a job
      return rows;
    } catch (Exception e) {
      throw new IOException("cannot read table " + table + " at version " + version + ": "
          + why(e), e);
    }
  }

  /**
   * Makes the table at {@code table} a Delta table, in place, when it is a folder table: its rows
   * written as version 0 of a Delta table, which then replaces the folder (by the rename swap
   * where renames are atomic; on object stores in the same folder, the pointer and its versions
   * deleted once it is committed). A Delta table is left as it is, but for what an interrupted
   * conversion left of its folder table.
   *
   * @return the table's latest Delta version, or -1 when there is no table
   */
  public long upgrade(String table, StructType schema) throws IOException {
    DeltaTables.requireExtension(spark);
    String path = deltaPath(spark, table);
    Path target = Inputs.qualified(spark, table);
    FileSystem fs = target.getFileSystem(spark.sparkContext().hadoopConfiguration());
    if (DeltaTables.isDelta(spark, path)) {
      Outputs.dropPointerVersions(fs, target);
      return DeltaTables.version(spark, path);
    }
    if (dataPath(spark, table) == null) {
      return -1;
    }
    Dataset<Row> rows = read(table);
    Map<String, String> conf = protection.deltaWriteConf(rows.schema());
    if (Outputs.renameIsAtomic(fs) && Outputs.pointedVersion(fs, target) == null) {
      Path staging = Outputs.sibling(target, Outputs.STAGING);
      DeltaTables.create(spark, staging.toString(), schema, conf);
      DeltaTables.replace(spark, staging.toString(), rows.select(columns(schema)), "true", conf);
      Outputs.swapIn(fs, staging, target);
    } else {
      DeltaTables.create(spark, path, schema, conf);
      DeltaTables.replace(spark, path, rows.select(columns(schema)), "true", conf);
      Outputs.dropPointerVersions(fs, target);
    }
    Outputs.sweep(spark, table);
    return DeltaTables.version(spark, path);
  }

  /**
   * {@link DeltaTables#merge} into the Delta table at {@code table}, encrypted as the settings
   * say; a {@code readVersion} of -1 (there was no table) creates it holding {@code after}, in
   * one commit. What crashed runs left beside the table is deleted after the commit.
   *
   * @return the version committed
   */
  public long merge(String table, StructType schema, Dataset<Row> before, Dataset<Row> after,
      List<String> keys, long readVersion) throws IOException {
    DeltaTables.requireExtension(spark);
    String path = deltaPath(spark, table);
    long v;
    if (readVersion < 0) {
      // the rows a MERGE into an empty table would insert (its source is a set difference), of
      // the schema as declared, NOT NULL columns too
      Dataset<Row> rows = spark.createDataFrame(
          after.select(columns(schema)).distinct().javaRDD(), schema);
      v = DeltaTables.createWith(spark, path, rows, protection.deltaWriteConf(schema));
    } else {
      v = DeltaTables.merge(spark, path, before, after, keys, readVersion,
          protection.deltaWriteConf(schema));
    }
    Outputs.sweep(spark, table);
    return v;
  }

  /**
   * Erases rows from the Delta table at {@code table}: deletes those matching {@code rows} on
   * {@code keys} (see {@link DeltaTables#deleteMatching}), then every file no longer in its
   * latest version ({@link DeltaTables#vacuumAll}), and what crashed runs left beside it.
   */
  public void erase(String table, StructType schema, Dataset<Row> rows, List<String> keys)
      throws IOException {
    DeltaTables.requireExtension(spark);
    String path = deltaPath(spark, table);
    DeltaTables.deleteMatching(spark, path, rows, keys, protection.deltaWriteConf(schema));
    DeltaTables.vacuumAll(spark, path);
    Outputs.sweep(spark, table);
  }

  /**
   * Writes {@code rows} into the Delta table at {@code table} in place of the rows
   * {@code replaceWhere} selects, creating it (partitioned by {@code partitionBy}) if need be.
   *
   * @return the version committed
   */
  public long replace(String table, Dataset<Row> rows, String replaceWhere,
      String... partitionBy) throws IOException {
    DeltaTables.requireExtension(spark);
    String path = deltaPath(spark, table);
    DeltaTables.create(spark, path, rows.schema(), protection.deltaWriteConf(rows.schema()),
        partitionBy);
    return DeltaTables.replace(spark, path, rows, replaceWhere,
        protection.deltaWriteConf(rows.schema()));
  }

  private static Column[] columns(StructType schema) {
    return java.util.Arrays.stream(schema.fieldNames()).map(c -> col(c)).toArray(Column[]::new);
  }

  /** A table's path as Delta is given it: qualified, so that every reader names it alike. */
  static String deltaPath(SparkSession spark, String table) throws IOException {
    return Inputs.qualified(spark, table).toString();
  }

  /** True when there is a file or folder at {@code path}. */
  public boolean fileExists(String path) throws IOException {
    return Inputs.exists(spark, path);
  }

  /** The table at {@code table} (a Delta table's latest version), decrypted. */
  public Dataset<Row> read(String table) throws IOException {
    try {
      return read(spark, table, protection.readOptions());
    } catch (FileNotFoundException e) {
      throw e;
    } catch (Exception e) { // Spark's exceptions are checked, though Java cannot tell
      throw new IOException("cannot read table " + table + ": " + why(e), e);
    }
  }

  private String why(Exception e) {
    String why = Failures.reason(e);
    if (!protection.enabled() && why.contains("encrypted")) {
      why += " (the table is encrypted: set " + Settings.ENCRYPTION + "=true and the KMS "
          + "settings)";
    }
    return why;
  }

  /** Writes a table atomically, its biometric columns encrypted as the settings say. */
  public void write(Dataset<Row> rows, String dest) throws IOException {
    Outputs.writeTable(rows, dest, protection.writeOptions(rows.schema()), commit);
  }

  /** Writes a table's CSV copy for people atomically, without protected columns. */
  public void writeCsv(Dataset<Row> rows, String dest) throws IOException {
    Outputs.writeCsv(protection.redact(rows), dest);
  }

  /** Writes one file (a report, a JSON summary) atomically. */
  public void writeFile(String dest, byte[] content) throws IOException {
    Outputs.writeFile(spark, dest, content);
  }

  /** {@link #writeFile} for UTF-8 text. */
  public void writeText(String dest, String text) throws IOException {
    writeFile(dest, text.getBytes(StandardCharsets.UTF_8));
  }

  /** Deletes the file {@code path}; true when there was one. */
  public boolean deleteFile(String path) throws IOException {
    if (!Inputs.exists(spark, path)) {
      return false;
    }
    Path p = Inputs.qualified(spark, path);
    p.getFileSystem(spark.sparkContext().hadoopConfiguration()).delete(p, false);
    return true;
  }

  /**
   * A table's rows as its CSV copy shows them to people: without the encodings, the face box as
   * text ({@code x y w h}).
   */
  public static Dataset<Row> forPeople(Dataset<Row> table) {
    return table.drop("embedding")
        .withColumn("face_box", concat_ws(" ", col("face_box").cast("array<string>")));
  }

  /**
   * A table facerec wrote: a Delta table's latest version, or a folder table read with the data
   * source {@code options} (e.g. decryption; a Delta table takes them from the session's
   * settings).
   *
   * @throws FileNotFoundException when there is no table at {@code table}
   */
  public static Dataset<Row> read(SparkSession spark, String table, Map<String, String> options)
      throws IOException {
    String path = deltaPath(spark, table);
    if (DeltaTables.isDelta(spark, path)) {
      Dataset<Row> rows = DeltaTables.read(spark, path);
      rows.schema();
      return rows;
    }
    Path data = dataPath(spark, table);
    if (data == null) {
      throw new FileNotFoundException("table " + table + " does not exist");
    }
    return spark.read().options(options).parquet(data.toString());
  }

  /**
   * Where a table's Parquet files are, or null when there is no table: the version its pointer
   * names (a table committed by pointer, see {@link Outputs}), the folder itself, or the previous
   * output of a swap that was interrupted. A folder holding only versions that no pointer names
   * (a first write that died before its commit) is no table.
   */
  public static Path dataPath(SparkSession spark, String table) throws IOException {
    Path t = Inputs.qualified(spark, table);
    FileSystem fs = t.getFileSystem(spark.sparkContext().hadoopConfiguration());
    Path version = Outputs.pointedVersion(fs, t);
    if (version != null) {
      return version;
    }
    if (!fs.exists(t)) {
      return Outputs.interrupted(fs, t);
    }
    return Outputs.uncommitted(fs, t) ? null : t;
  }
}
