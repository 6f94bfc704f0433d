package org.facerec.jobs;

import java.io.IOException;
import java.util.UUID;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;

/**
 * Atomic outputs. A table is written in full to a hidden staging folder beside its destination
 * and only then swapped in (old out of the way, new renamed in, old deleted), so a run that fails
 * or is killed mid-write leaves the previous table as it was and readers never see half a table.
 * The one-file CSV copy for people is committed the same way.
 */
public final class Outputs {
  private Outputs() {}

  /** Writes {@code rows} as Parquet at {@code dest}, replacing what is there only on success. */
  public static void writeTable(Dataset<Row> rows, String dest) throws IOException {
    SparkSession spark = rows.sparkSession();
    Path target = Inputs.qualified(spark, dest);
    Path staging = sibling(target, ".staging-");
    rows.write().mode(SaveMode.ErrorIfExists).parquet(staging.toString());
    swapIn(spark.sparkContext().hadoopConfiguration(), staging, target);
  }

  /** Writes {@code rows} as one CSV file with a header at {@code dest} (a file path). */
  public static void writeCsv(Dataset<Row> rows, String dest) throws IOException {
    SparkSession spark = rows.sparkSession();
    Configuration conf = spark.sparkContext().hadoopConfiguration();
    Path target = Inputs.qualified(spark, dest);
    Path staging = sibling(target, ".staging-");
    rows.coalesce(1).write().option("header", "true").option("escape", "\"")
        .mode(SaveMode.ErrorIfExists).csv(staging.toString());
    FileSystem fs = staging.getFileSystem(conf);
    Path part = null;
    for (FileStatus st : fs.listStatus(staging)) {
      if (st.getPath().getName().startsWith("part-")) {
        part = st.getPath();
      }
    }
    if (part == null) {
      throw new IOException("Spark wrote no CSV part file under " + staging);
    }
    Path file = sibling(target, ".csv-");
    rename(fs, part, file);
    fs.delete(staging, true);
    swapIn(conf, file, target);
  }

  /** Moves {@code staged} to {@code target}; the previous target is deleted only afterwards. */
  static void swapIn(Configuration conf, Path staged, Path target) throws IOException {
    FileSystem fs = target.getFileSystem(conf);
    Path old = null;
    if (fs.exists(target)) {
      old = sibling(target, ".old-");
      rename(fs, target, old);
    }
    try {
      rename(fs, staged, target);
    } catch (IOException e) {
      if (old != null) {
        rename(fs, old, target); // put the previous output back
      }
      throw e;
    }
    if (old != null) {
      fs.delete(old, true);
    }
  }

  private static void rename(FileSystem fs, Path from, Path to) throws IOException {
    if (!fs.rename(from, to)) {
      throw new IOException("could not rename " + from + " to " + to);
    }
  }

  /** A hidden sibling of {@code target}: Spark and Parquet readers skip names starting with '.'. */
  static Path sibling(Path target, String prefix) {
    return new Path(target.getParent(), prefix + target.getName() + "-" + UUID.randomUUID());
  }

  public static boolean exists(SparkSession spark, String path) throws IOException {
    Path p = Inputs.qualified(spark, path);
    return p.getFileSystem(spark.sparkContext().hadoopConfiguration()).exists(p);
  }
}
