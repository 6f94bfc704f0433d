package org.facerec.io;

import static org.apache.spark.sql.functions.col;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.facerec.pipeline.FaceStatus;

/**
 * The residents table: what enroll writes and verify, identify, erase and query read. One row per
 * photo, keyed by resident, path and content hash ({@link #KEYS}); its columns are
 * {@link #SCHEMA}, the one list every reader checks a table against. It is a Delta table
 * ({@link DeltaTables}): enroll merges what changed into it, erase deletes from it, and the jobs
 * that match against it name the version they read ({@link Snapshot}), so that an audit can be
 * re-run against the table as it was. A folder table of an earlier facerec is read as it is, and
 * made a Delta table by its next write or by {@code facerec upgrade}.
 */
public final class ResidentsTable {
  /** What identifies a row: enroll's MERGE and erase's delete join on these (null-safe). */
  public static final List<String> KEYS = List.of("resident_id", "image_path", "content_sha256");
  /** The column of the jobs' output rows naming the residents table's version they read. */
  public static final String VERSION_COLUMN = "residents_version";

  /** The residents table, in column order. */
  public static final StructType SCHEMA = new StructType()
      .add("resident_id", DataTypes.StringType, true)
      .add("image_path", DataTypes.StringType, true)
      .add("content_sha256", DataTypes.StringType, true)
      .add(ModelCheck.COLUMN, DataTypes.StringType, false)
      .add("embedding", DataTypes.createArrayType(DataTypes.FloatType, false), true)
      .add("status", DataTypes.StringType, false)
      .add("error", DataTypes.StringType, true)
      .add("enrolled_at", DataTypes.TimestampType, false)
      .add("face_box", DataTypes.createArrayType(DataTypes.IntegerType, false), true)
      .add("face_score", DataTypes.FloatType, true);

  private ResidentsTable() {}

  /**
   * The residents table at {@code path}, or null when there is none.
   *
   * @throws IOException when the table there lacks a column of {@link #SCHEMA}
   */
  public static Dataset<Row> readIfExists(Tables tables, String path) throws IOException {
    if (!tables.exists(path)) {
      return null;
    }
    return checked(tables.read(path), path);
  }

  private static Dataset<Row> checked(Dataset<Row> t, String path) throws IOException {
    List<String> missing = new ArrayList<>(Arrays.asList(SCHEMA.fieldNames()));
    missing.removeAll(Arrays.asList(t.columns()));
    if (!missing.isEmpty()) {
      throw new IOException(path + " is not a facerec residents table (it lacks "
          + String.join(", ", missing) + ")");
    }
    return t;
  }

  /**
   * The residents table at {@code path} as of {@code version} (a Delta table), checked as
   * {@link #readIfExists} checks it.
   */
  public static Dataset<Row> read(Tables tables, String path, long version) throws IOException {
    return checked(tables.read(path, version), path);
  }

  /**
   * The residents a job matches against, and which version of the table they are: a Delta
   * table's version, or null for a folder table (which has no versions).
   */
  public record Snapshot(Dataset<Row> rows, Long version) {
    /** How a summary names the table read. */
    public String describe(String path) {
      return version == null ? path + " (a folder table, without versions)"
          : path + " version " + version;
    }
  }

  /**
   * The rows of the residents table at {@code path} that can be matched (status OK), as of
   * {@code asOf} (a version or a time, see {@link DeltaTables#resolve}; null: the latest),
   * refusing a table of another model than {@code modelId}.
   */
  public static Snapshot usable(Tables tables, String path, String modelId, String asOf)
      throws IOException {
    Dataset<Row> t;
    Long version = null;
    if (tables.isDelta(path)) {
      version = tables.resolve(path, asOf);
      t = read(tables, path, version);
    } else {
      if (asOf != null && tables.exists(path)) {
        throw new IOException("residents table " + path + " is a folder table, without "
            + "versions: --as-of needs a Delta table (facerec upgrade --table " + path + ")");
      }
      t = readIfExists(tables, path);
    }
    if (t == null) {
      throw new IOException("residents table " + path + " does not exist (run facerec enroll)");
    }
    ModelCheck.require(t, path, modelId);
    return new Snapshot(t.filter(col("status").equalTo(FaceStatus.OK.name())), version);
  }

  /**
   * The rows in the table's order, by resident and path: how enroll and erase write it, and how a
   * CSV copy taken from the table read back must be sorted again (Spark reads a table's files
   * largest first, so a table of several files, as executors write it, comes back out of order).
   */
  public static Dataset<Row> inOrder(Dataset<Row> rows) {
    return rows.orderBy("resident_id", "image_path");
  }

  /** Its columns in order, for a select. */
  public static Column[] columns() {
    return Arrays.stream(SCHEMA.fieldNames()).map(c -> col(c)).toArray(Column[]::new);
  }
}
