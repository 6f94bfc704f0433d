package org.facerec.io;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.concat_ws;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.facerec.config.CommitMode;
import org.facerec.config.Settings;

/**
 * facerec's tables and files as one run reads and writes them: tables found where
 * {@link Outputs}' commits leave them (the version a pointer names, the folder itself, or the
 * previous output of an interrupted swap) and decrypted as the run's {@link Protection} says;
 * tables written through those commits with their biometric columns encrypted, CSV copies for
 * people without the protected columns, reports and JSON as one file, each replacing the previous
 * output only once complete.
 */
public final class Tables {
  private final SparkSession spark;
  private final Protection protection;
  private final CommitMode commit;

  public Tables(SparkSession spark, Protection protection, CommitMode commit) {
    this.spark = spark;
    this.protection = protection;
    this.commit = commit;
  }

  public Protection protection() {
    return protection;
  }

  /** True when there is a table at {@code table} (see {@link #dataPath}). */
  public boolean exists(String table) throws IOException {
    return dataPath(spark, table) != null;
  }

  /** True when there is a file or folder at {@code path}. */
  public boolean fileExists(String path) throws IOException {
    return Inputs.exists(spark, path);
  }

  /** The table at {@code table}, decrypted as the settings say. */
  public Dataset<Row> read(String table) throws IOException {
    try {
      return read(spark, table, protection.readOptions());
    } catch (FileNotFoundException e) {
      throw e;
    } catch (Exception e) { // Spark's exceptions are checked, though Java cannot tell
      String why = Failures.reason(e);
      if (!protection.enabled() && why.contains("encrypted")) {
        why += " (the table is encrypted: set " + Settings.ENCRYPTION + "=true and the KMS "
            + "settings)";
      }
      throw new IOException("cannot read table " + table + ": " + why, e);
    }
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
   * A table facerec wrote, read with the data source {@code options} (e.g. decryption).
   *
   * @throws FileNotFoundException when there is no table at {@code table}
   */
  public static Dataset<Row> read(SparkSession spark, String table, Map<String, String> options)
      throws IOException {
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
