package org.facerec.jobs;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.concat;
import static org.apache.spark.sql.functions.length;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.to_json;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.BinaryType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.MapType;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.facerec.io.Failures;
import org.facerec.io.Inputs;
import org.facerec.sql.FaceSql;

/**
 * Ad-hoc Spark SQL on facerec's tables: each table is a view under the name given, the face_*
 * functions are registered ({@link FaceSql}), and the result comes back as text cells for a
 * terminal, or as a CSV file. Encodings never leave as text while encryption is on.
 */
public final class QueryJob {
  /** @param tables view name to path: a facerec table (Parquet folder) or a CSV file */
  public record Request(Map<String, String> tables, String sql, String out, int limit) {}

  /**
   * What to show: the header and the first rows as text, whether there were more, or, with an
   * output file, how many rows went there.
   */
  public record Result(List<List<String>> rows, boolean more, long written) {}

  private QueryJob() {}

  public static Result run(Run run, Request req) throws IOException {
    FaceSql.register(run.spark(), run.config());
    for (Map.Entry<String, String> t : req.tables().entrySet()) {
      if (!t.getKey().matches("[A-Za-z_][A-Za-z0-9_]*")) {
        throw new IllegalArgumentException("--table " + t.getKey() + "=...: a view name is "
            + "letters, digits and underscores");
      }
      view(run, t.getValue()).createOrReplaceTempView(t.getKey());
    }
    Dataset<Row> result;
    try {
      result = run.spark().sql(req.sql());
    } catch (Exception e) { // Spark's AnalysisException and parse errors: the user's SQL
      throw new IllegalArgumentException(Failures.reason(e), e);
    }
    if (run.tables().protection().enabled()) {
      for (StructField f : result.schema().fields()) {
        if (isEncoding(f)) {
          throw new IllegalArgumentException("column " + f.name() + " holds face encodings, "
              + "which facerec does not print or write as text while encryption is on");
        }
      }
    }
    Dataset<Row> text = asText(result);
    if (req.out() != null) {
      Dataset<Row> cached = text.cache();
      run.tables().writeCsv(cached, req.out());
      long n = cached.count();
      cached.unpersist();
      return new Result(List.of(), false, n);
    }
    List<Row> rows = text.limit(req.limit() + 1).collectAsList();
    List<List<String>> cells = new ArrayList<>();
    cells.add(List.of(text.columns()));
    for (Row r : rows.subList(0, Math.min(req.limit(), rows.size()))) {
      List<String> line = new ArrayList<>();
      for (int i = 0; i < r.length(); i++) {
        line.add(r.isNullAt(i) ? "null" : String.valueOf(r.get(i)));
      }
      cells.add(line);
    }
    return new Result(cells, rows.size() > req.limit(), -1);
  }

  /** A facerec table (its pointer followed, decrypted as the settings say), or a CSV file. */
  private static Dataset<Row> view(Run run, String path) throws IOException {
    if (path.toLowerCase(Locale.ROOT).endsWith(".csv")) {
      if (!Inputs.exists(run.spark(), path)) {
        throw new IOException("CSV file " + path + " does not exist");
      }
      return run.spark().read().option("header", "true").option("inferSchema", "true")
          .csv(Inputs.qualified(run.spark(), path).toString());
    }
    return run.tables().read(path);
  }

  /** Arrays, structs and maps as JSON, binary values as their size: cells a CSV can hold. */
  private static Dataset<Row> asText(Dataset<Row> d) {
    List<Column> cols = new ArrayList<>();
    for (StructField f : d.schema().fields()) {
      Column c = col("`" + f.name().replace("`", "``") + "`");
      if (f.dataType() instanceof ArrayType || f.dataType() instanceof StructType
          || f.dataType() instanceof MapType) {
        c = to_json(c);
      } else if (f.dataType() instanceof BinaryType) {
        c = concat(lit("<"), length(c), lit(" bytes>"));
      }
      cols.add(c.as(f.name()));
    }
    return d.select(cols.toArray(new Column[0]));
  }

  private static boolean isEncoding(StructField f) {
    return f.dataType() instanceof ArrayType a
        && (a.elementType().equals(DataTypes.FloatType)
            || a.elementType().equals(DataTypes.DoubleType));
  }
}
