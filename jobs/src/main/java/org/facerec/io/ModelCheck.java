package org.facerec.io;

import java.io.IOException;
import java.util.List;
import java.util.function.UnaryOperator;
import org.apache.spark.api.java.function.FilterFunction;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;

/**
 * Encodings of different models never mix: their distances mean nothing. The one check, for the
 * residents table a job reads, the table {@code face_nearest} searches and the distances
 * calibrate reads: the model ids in a table's {@code model_id} column (a null names no model).
 */
public final class ModelCheck {
  public static final String COLUMN = "model_id";

  private ModelCheck() {}

  /** The distinct model ids of {@code rows}' {@code model_id} column, nulls left out, sorted. */
  public static List<String> modelIds(Dataset<Row> rows) {
    return rows.select(COLUMN).distinct().as(Encoders.STRING())
        .filter((FilterFunction<String>) m -> m != null).collectAsList().stream().sorted()
        .toList();
  }

  /**
   * Fails unless every row of {@code table} was made with {@code modelId}.
   *
   * @param what what the rows hold: encodings, distances
   * @param hint what to do instead, given the model the table holds
   */
  public static void require(Dataset<Row> rows, String table, String modelId, String what,
      UnaryOperator<String> hint) throws IOException {
    for (String m : modelIds(rows)) {
      if (!m.equals(modelId)) {
        throw new IOException("table " + table + " holds " + what + " of model " + m
            + ", but this run uses " + modelId + "; " + what + " of different models never mix ("
            + hint.apply(m) + ")");
      }
    }
  }

  /** {@link #require} for the jobs' tables of encodings: name the table's model, or enrol anew. */
  public static void require(Dataset<Row> rows, String table, String modelId)
      throws IOException {
    require(rows, table, modelId, "encodings",
        m -> "use --model " + m + ", or enrol into a new table");
  }
}
