package org.facerec.io;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Pattern;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.FileUtil;
import org.apache.hadoop.fs.LocalFileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.facerec.config.CommitMode;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Atomic outputs: a run that fails or is killed mid-write leaves the previous output as it was,
 * and readers never see half of one. Everything is first written in full where readers do not
 * look; what makes it visible is one step that either happens or does not:
 *
 * <ul>
 *   <li>{@link CommitMode#RENAME} (local disks, HDFS: directory renames are atomic there): the table
 *       is written to a hidden staging folder beside its destination and swapped in (old out of
 *       the way, new renamed in, old deleted). A process killed between the two renames leaves
 *       the previous table in {@code .old-<name>-<id>}: facerec's readers fall back to it, so a
 *       re-run reads it as its previous table, and its commit removes it.
 *   <li>{@link CommitMode#POINTER} (S3 and other object stores, where a "rename" is a copy of every
 *       object then a delete, visible half-done): the table is written to a new version folder
 *       inside it, {@code <table>/_v-<id>/}, and committed by writing the small object
 *       {@code <table>/_facerec_table} that names that folder. One PUT of one object is atomic
 *       on S3 and, since S3 is strongly consistent, every reader after it sees the new version;
 *       a run that dies before it leaves the pointer naming the previous version. Old versions
 *       are deleted after the commit.
 * </ul>
 *
 * The one-file CSV copies: on object stores a single upload that the store shows whole or not
 * at all; elsewhere the same rename swap. After a commit, what earlier crashed runs left behind
 * for the same destination (staging folders, old copies, stray versions) is deleted: they may
 * hold data that was since erased. One writer per destination at a time.
 */
public final class Outputs {
  private static final Logger LOG = LoggerFactory.getLogger(Outputs.class);

  /** The pointer object of a table committed by pointer: the name of its current version. */
  public static final String POINTER = "_facerec_table";
  static final String VERSION_PREFIX = "_v-";
  static final String STAGING = ".staging-";
  static final String OLD = ".old-";
  /** One-file outputs (CSV copies, report.html) waiting to be swapped in. */
  static final String FILE_STAGING = ".csv-";
  private static final Pattern UUID_TAIL = Pattern.compile(
      "-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$");
  /** Schemes whose directory rename is atomic; every other store is committed by pointer. */
  private static final Set<String> ATOMIC_RENAME = Set.of("file", "hdfs", "viewfs");

  private Outputs() {}

  static boolean renameIsAtomic(FileSystem fs) {
    return ATOMIC_RENAME.contains(fs.getScheme().toLowerCase(Locale.ROOT));
  }

  /** True when {@code commit} writes to {@code fs} by pointer. */
  private static boolean byPointer(CommitMode commit, FileSystem fs) {
    return commit == CommitMode.POINTER || commit == CommitMode.AUTO && !renameIsAtomic(fs);
  }

  /**
   * Writes {@code rows} as Parquet at {@code dest} (with the data source {@code options}, e.g.
   * encryption), replacing what is there only on success.
   */
  public static void writeTable(Dataset<Row> rows, String dest, Map<String, String> options,
      CommitMode commit) throws IOException {
    SparkSession spark = rows.sparkSession();
    Path target = Inputs.qualified(spark, dest);
    FileSystem fs = target.getFileSystem(conf(spark));
    if (byPointer(commit, fs)) {
      String version = VERSION_PREFIX + DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'")
          .withZone(ZoneOffset.UTC).format(Instant.now()) + "-" + UUID.randomUUID();
      write(rows, new Path(target, version), options, dest);
      writePointer(fs, target, version); // the commit
      try {
        for (FileStatus st : fs.listStatus(target)) {
          String name = st.getPath().getName();
          if (!name.equals(version) && !name.contains(POINTER)) {
            fs.delete(st.getPath(), true);
          }
        }
      } catch (IOException e) {
        throw afterCommit(dest, e);
      }
    } else {
      Path staging = sibling(target, STAGING);
      write(rows, staging, options, dest);
      swapIn(fs, staging, target);
    }
    sweep(fs, target, dest);
  }

  private static void write(Dataset<Row> rows, Path where, Map<String, String> options,
      String dest) throws IOException {
    try {
      rows.write().options(options).mode(SaveMode.ErrorIfExists).parquet(where.toString());
    } catch (Exception e) { // Spark's SparkException is checked, though Java cannot tell
      throw failed(dest, e);
    }
  }

  /** Writes {@code rows} as one CSV file with a header at {@code dest} (a file path). */
  public static void writeCsv(Dataset<Row> rows, String dest) throws IOException {
    SparkSession spark = rows.sparkSession();
    Configuration conf = conf(spark);
    Path target = Inputs.qualified(spark, dest);
    FileSystem fs = target.getFileSystem(conf);
    boolean rename = renameIsAtomic(fs);
    Path staging = sibling(target, STAGING);
    try {
      rows.coalesce(1).write().option("header", "true").option("escape", "\"")
          .mode(SaveMode.ErrorIfExists).csv(staging.toString());
    } catch (Exception e) {
      throw failed(dest, e);
    }
    Path part = null;
    for (FileStatus st : fs.listStatus(staging)) {
      if (st.getPath().getName().startsWith("part-")) {
        part = st.getPath();
      }
    }
    if (part == null) {
      throw new IOException("Spark wrote no CSV part file under " + staging);
    }
    if (rename) {
      Path file = sibling(target, FILE_STAGING);
      rename(fs, part, file);
      fs.delete(staging, true);
      swapIn(fs, file, target);
    } else {
      // an object store shows an upload only once it is complete, replacing the old object then
      if (!FileUtil.copy(fs, part, fs, target, false, true, conf)) {
        throw new IOException("could not copy " + part + " to " + target);
      }
      fs.delete(staging, true);
    }
    sweep(fs, target, dest);
  }

  /**
   * Writes {@code content} as the one file {@code dest} (a report, a JSON summary), replacing it
   * only once it is complete: written beside it and swapped in where renames are atomic, else one
   * upload that an object store shows whole or not at all.
   */
  public static void writeFile(SparkSession spark, String dest, byte[] content)
      throws IOException {
    Path target = Inputs.qualified(spark, dest);
    FileSystem fs = target.getFileSystem(conf(spark));
    try {
      if (renameIsAtomic(fs)) {
        Path file = sibling(target, FILE_STAGING);
        try (OutputStream out = fs.create(file, false)) {
          out.write(content);
        }
        swapIn(fs, file, target);
      } else {
        try (OutputStream out = fs.create(target, true)) {
          out.write(content);
        }
      }
    } catch (IOException e) {
      throw failed(dest, e);
    }
    sweep(fs, target, dest);
  }

  /** {@link #writeFile} for UTF-8 text. */
  public static void writeText(SparkSession spark, String dest, String text) throws IOException {
    writeFile(spark, dest, text.getBytes(StandardCharsets.UTF_8));
  }

  /** The commit point of a pointer table: one small object, written whole or not at all. */
  private static void writePointer(FileSystem fs, Path table, String version) throws IOException {
    Path pointer = new Path(table, POINTER);
    byte[] text = (version + "\n").getBytes(StandardCharsets.UTF_8);
    if (renameIsAtomic(fs)) {
      // a local file is visible while being written: write beside it, rename over it (on the
      // raw local file system, so that no checksum file lags behind the renamed pointer)
      fs = fs instanceof LocalFileSystem local ? local.getRaw() : fs;
      Path tmp = new Path(table, "." + POINTER + "-" + UUID.randomUUID());
      try (OutputStream out = fs.create(tmp, false)) {
        out.write(text);
      }
      rename(fs, tmp, pointer);
    } else {
      // S3A uploads on close(): the object appears with its whole content or not at all
      try (OutputStream out = fs.create(pointer, true)) {
        out.write(text);
      }
    }
  }

  /**
   * Deletes a pointer table's pointer and version folders from {@code table}, once it is a Delta
   * table (see {@link Tables#upgrade}): the pointer first, so that no reader follows it after.
   */
  static void dropPointerVersions(FileSystem fs, Path table) throws IOException {
    Path pointer = new Path(table, POINTER);
    if (fs.exists(pointer)) {
      fs.delete(pointer, false);
    }
    try {
      for (FileStatus st : fs.listStatus(table, p -> p.getName().startsWith(VERSION_PREFIX))) {
        fs.delete(st.getPath(), true);
      }
    } catch (FileNotFoundException e) {
      // no folder: nothing to drop
    }
  }

  /**
   * The version folder a table's pointer names, or null when the table has no pointer (it is a
   * plain Parquet folder).
   */
  static Path pointedVersion(FileSystem fs, Path table) throws IOException {
    fs = fs instanceof LocalFileSystem local ? local.getRaw() : fs;
    try (var in = fs.open(new Path(table, POINTER))) {
      String version = new String(in.readAllBytes(), StandardCharsets.UTF_8).trim();
      if (!version.startsWith(VERSION_PREFIX) || version.contains("/")) {
        throw new IOException(new Path(table, POINTER) + " is not a facerec table pointer");
      }
      return new Path(table, version);
    } catch (FileNotFoundException e) {
      return null;
    }
  }

  /**
   * True when {@code table} is a folder of nothing but uncommitted versions (and hidden files):
   * the first write of a pointer table died before its commit.
   */
  static boolean uncommitted(FileSystem fs, Path table) throws IOException {
    if (!fs.getFileStatus(table).isDirectory()) {
      return false;
    }
    for (FileStatus st : fs.listStatus(table)) {
      String name = st.getPath().getName();
      if (!name.startsWith(VERSION_PREFIX) && !name.startsWith(".")) {
        return false;
      }
    }
    return true;
  }

  /** Moves {@code staged} to {@code target}; the previous target is deleted only afterwards. */
  static void swapIn(FileSystem fs, Path staged, Path target) throws IOException {
    Path old = null;
    if (fs.exists(target)) {
      old = sibling(target, OLD);
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

  /**
   * The previous output of a swap that was interrupted between its two renames (the target
   * gone, its old copy beside it), or null.
   */
  static Path interrupted(FileSystem fs, Path target) throws IOException {
    if (target.getParent() == null || fs.exists(target)) {
      return null;
    }
    FileStatus found = null;
    for (FileStatus st : leftovers(fs, target, OLD)) {
      if (found == null || st.getModificationTime() > found.getModificationTime()) {
        found = st;
      }
    }
    if (found != null) {
      LOG.warn("{} is missing after a write was interrupted; reading the previous output from {}"
          + " (the next write of it replaces it)", target, found.getPath().getName());
    }
    return found == null ? null : found.getPath();
  }

  /** {@link #sweep} for a table committed otherwise (a Delta table's commit). */
  static void sweep(SparkSession spark, String dest) throws IOException {
    Path target = Inputs.qualified(spark, dest);
    sweep(target.getFileSystem(conf(spark)), target, dest);
  }

  /**
   * Deletes what crashed runs left for this destination: staging folders, old copies, CSV
   * files in waiting. After a commit they are never the current output, and may hold rows that
   * were since erased.
   */
  private static void sweep(FileSystem fs, Path target, String dest) throws IOException {
    try {
      for (String kind : new String[] {STAGING, OLD, FILE_STAGING}) {
        for (FileStatus st : leftovers(fs, target, kind)) {
          LOG.info("removing {} left by an earlier run", st.getPath());
          fs.delete(st.getPath(), true);
        }
      }
    } catch (IOException e) {
      throw afterCommit(dest, e);
    }
  }

  private static FileStatus[] leftovers(FileSystem fs, Path target, String kind)
      throws IOException {
    Path parent = target.getParent();
    String prefix = kind + target.getName();
    try {
      return fs.listStatus(parent, p -> p.getName().startsWith(prefix)
          && p.getName().length() == prefix.length() + 37
          && UUID_TAIL.matcher(p.getName()).find());
    } catch (FileNotFoundException e) {
      return new FileStatus[0];
    }
  }

  private static IOException failed(String dest, Exception e) {
    return new IOException("could not write " + dest + ", the previous output is unchanged: "
        + Failures.reason(e), e);
  }

  private static IOException afterCommit(String dest, IOException e) {
    return new IOException("wrote " + dest + ", but could not delete what it replaces: "
        + Failures.reason(e) + " (run the job again to remove it)", e);
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

  private static Configuration conf(SparkSession spark) {
    return spark.sparkContext().hadoopConfiguration();
  }
}
