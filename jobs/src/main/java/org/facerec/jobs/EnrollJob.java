package org.facerec.jobs;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.concat;
import static org.apache.spark.sql.functions.first;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.regexp_extract;
import static org.apache.spark.sql.functions.row_number;
import static org.apache.spark.sql.functions.when;

import java.io.IOException;
import java.sql.Timestamp;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.expressions.Window;
import org.apache.spark.sql.expressions.WindowSpec;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.facerec.spark.FaceStatus;

/**
 * Enrolment: photos of residents in, one table row per photo out. Rows are keyed by resident,
 * path and content hash: a re-run over the same inputs re-encodes nothing and changes nothing; a
 * new or changed photo is (re-)encoded and replaces its path's row; the same content under a
 * second path is kept as a {@code DUPLICATE} row. {@code replace} drops residents' rows before
 * enrolling them afresh, {@code remove} deletes residents.
 */
public final class EnrollJob {
  /** The residents table, in column order. */
  public static final StructType TABLE = new StructType()
      .add("resident_id", DataTypes.StringType, true)
      .add("image_path", DataTypes.StringType, true)
      .add("content_sha256", DataTypes.StringType, true)
      .add("model_id", DataTypes.StringType, false)
      .add("embedding", DataTypes.createArrayType(DataTypes.FloatType, false), true)
      .add("status", DataTypes.StringType, false)
      .add("error", DataTypes.StringType, true)
      .add("enrolled_at", DataTypes.TimestampType, false)
      .add("face_box", DataTypes.createArrayType(DataTypes.IntegerType, false), true)
      .add("face_score", DataTypes.FloatType, true);

  /** Where the photos come from: a folder, or a manifest CSV {@code resident_id,path}. */
  public record Request(String images, String manifest, String imagesRoot, String table,
      String csvOut, List<String> replace, List<String> remove) {}

  private EnrollJob() {}

  public static Summary run(Run run, Request req) throws IOException {
    Dataset<Row> existing = existing(run, req.table());
    List<String> dropped = new java.util.ArrayList<>(req.remove());
    dropped.addAll(req.replace());
    if (!dropped.isEmpty()) {
      existing = existing.filter(col("resident_id").isin(dropped.toArray()).unary_$bang());
    }
    Dataset<Row> all;
    long processed = 0;
    Map<String, Long> counts = new LinkedHashMap<>();
    if (req.images() == null && req.manifest() == null) {
      all = existing; // --remove alone
    } else {
      Dataset<Row> inputs = inputs(run, req);
      Dataset<Row> known = existing.select(col("resident_id"), col("image_path"),
          col("content_sha256").as("known_sha256"));
      Dataset<Row> todo = inputs.join(known, joinKeys(inputs, known), "left")
          .drop(known.col("resident_id")).drop(known.col("image_path"));
      Dataset<Row> encoded = run.encode(todo, "enroll", "known_sha256").cache();
      counts.putAll(Summary.countBy(encoded, "status"));
      processed = counts.values().stream().mapToLong(Long::longValue).sum();

      Dataset<Row> changed = encoded.filter(col("status").notEqual(FaceStatus.UNCHANGED.name()));
      // a path whose outcome is what the table already says (e.g. still missing) is unchanged too
      Dataset<Row> sameAsBefore = changed.join(existing,
          changed.col("resident_id").eqNullSafe(existing.col("resident_id"))
              .and(changed.col("image_path").eqNullSafe(existing.col("image_path")))
              .and(changed.col("status").eqNullSafe(existing.col("status")))
              .and(changed.col("error").eqNullSafe(existing.col("error")))
              .and(changed.col("content_sha256").eqNullSafe(existing.col("content_sha256")))
              .and(changed.col("status").notEqual(FaceStatus.OK.name())),
          "left_semi");
      changed = changed.except(sameAsBefore);
      Dataset<Row> kept = existing.join(changed.select("resident_id", "image_path"),
          joinKeys(existing, changed), "left_anti");
      Dataset<Row> fresh = changed
          .withColumn("model_id", lit(run.model().id()))
          .withColumn("enrolled_at", lit(new Timestamp(run.startedAt())))
          .select(columns());
      all = markDuplicates(kept.select(columns()).unionByName(fresh));
    }
    Dataset<Row> table = all.orderBy("resident_id", "image_path").cache();
    run.writeTable(table, req.table());
    Dataset<Row> written = run.readTable(req.table());
    // in the table's order: a table read back comes in file-size order, not the order written
    run.writeCsv(forPeople(written).orderBy("resident_id", "image_path"), req.csvOut());
    Map<String, Long> tableCounts = Summary.countBy(written, "status");
    Map<String, String> facts = new LinkedHashMap<>();
    facts.put("table", req.table() + " (" + written.count() + " rows, "
        + written.filter(col("status").equalTo("OK")).select("resident_id").distinct().count()
        + " residents with at least one encoding)");
    facts.put("table rows by status", tableCounts.toString());
    facts.put("csv", req.csvOut());
    facts.put("model", run.model().id());
    facts.put("faces", run.faces());
    if (!req.remove().isEmpty()) {
      facts.put("removed", String.join(",", req.remove()));
    }
    run.spark().sqlContext().clearCache();
    return new Summary("enroll", counts, processed, run.elapsedSeconds(), facts);
  }


  private static Column joinKeys(Dataset<Row> a, Dataset<Row> b) {
    return a.col("resident_id").eqNullSafe(b.col("resident_id"))
        .and(a.col("image_path").eqNullSafe(b.col("image_path")));
  }

  private static Column[] columns() {
    return Arrays.stream(TABLE.fieldNames()).map(c -> col(c)).toArray(Column[]::new);
  }

  /** The current table, or an empty one; refuses a table of another model. */
  static Dataset<Row> existing(Run run, String table) throws IOException {
    if (Inputs.tableData(run.spark(), table) == null) {
      return run.spark().createDataFrame(List.of(), TABLE);
    }
    Dataset<Row> t = run.readTable(table);
    if (!Arrays.asList(t.columns()).containsAll(Arrays.asList(TABLE.fieldNames()))) {
      throw new IOException(table + " exists but is not a facerec residents table");
    }
    run.requireModel(t, table);
    return t.select(columns());
  }

  /** (resident_id, image_path, input_error) from a folder or a manifest. */
  static Dataset<Row> inputs(Run run, Request req) throws IOException {
    if (req.images() != null) {
      List<String> ext = Arrays.asList(run.settings().get(Settings.EXTENSIONS).split(","));
      Dataset<Row> files = Inputs.listImages(run.spark(), req.images(), ext);
      // ROOT/<resident_id>/*.jpg, or flat ROOT/<resident_id>.jpg (the Happy House layout)
      Column id = when(col("relative").contains("/"),
          regexp_extract(col("relative"), "^([^/]+)/", 1))
          .otherwise(regexp_extract(col("relative"), "^(.*?)(\\.[^.]*)?$", 1));
      return files.select(id.as("resident_id"), col(Inputs.IMAGE_PATH), col(Inputs.INPUT_ERROR));
    }
    return Inputs.readCsv(run.spark(), req.manifest(), "manifest",
        List.of("resident_id", "path"), List.of(), "path", req.imagesRoot())
        .select(col("resident_id"), col(Inputs.IMAGE_PATH), col(Inputs.INPUT_ERROR));
  }

  /**
   * Among OK rows, one row per content hash stays OK: the earliest enrolled (then by resident and
   * path); the others become DUPLICATE, naming the row they repeat, without an embedding.
   */
  static Dataset<Row> markDuplicates(Dataset<Row> rows) {
    WindowSpec w = Window.partitionBy("content_sha256")
        .orderBy(col("enrolled_at"), col("resident_id"), col("image_path"));
    Column ok = col("status").equalTo(FaceStatus.OK.name());
    Dataset<Row> ranked = rows.filter(ok)
        .withColumn("_rank", row_number().over(w))
        .withColumn("_first", first(concat(col("image_path"), lit(" (resident "),
            col("resident_id"), lit(")"))).over(w));
    Column dup = col("_rank").gt(1);
    Dataset<Row> marked = ranked
        .withColumn("status", when(dup, lit(FaceStatus.DUPLICATE.name())).otherwise(col("status")))
        .withColumn("error", when(dup, concat(lit("same photo as "), col("_first")))
            .otherwise(col("error")))
        .withColumn("embedding", when(dup, lit(null)).otherwise(col("embedding")))
        .drop("_rank", "_first");
    return marked.unionByName(rows.filter(ok.unary_$bang()));
  }

  /** The table without embeddings, for the CSV copy. */
  static Dataset<Row> forPeople(Dataset<Row> table) {
    return table.drop("embedding")
        .withColumn("face_box", org.apache.spark.sql.functions.concat_ws(" ",
            col("face_box").cast("array<string>")));
  }

}
