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
 * photo, keyed by resident, path and content hash; its columns are {@link #SCHEMA}, the one list
 * every reader checks a table against.
 */
public final class ResidentsTable {
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
    Dataset<Row> t = tables.read(path);
    List<String> missing = new ArrayList<>(Arrays.asList(SCHEMA.fieldNames()));
    missing.removeAll(Arrays.asList(t.columns()));
    if (!missing.isEmpty()) {
      throw new IOException(path + " is not a facerec residents table (it lacks "
          + String.join(", ", missing) + ")");
    }
    return t;
  }

  /**
   * The rows of the residents table at {@code path} that can be matched (status OK), refusing a
   * table of another model than {@code modelId}.
   */
  public static Dataset<Row> usable(Tables tables, String path, String modelId)
      throws IOException {
    Dataset<Row> t = readIfExists(tables, path);
    if (t == null) {
      throw new IOException("residents table " + path + " does not exist (run facerec enroll)");
    }
    ModelCheck.require(t, path, modelId);
    return t.filter(col("status").equalTo(FaceStatus.OK.name()));
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
