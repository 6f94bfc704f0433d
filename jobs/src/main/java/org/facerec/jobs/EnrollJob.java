package org.facerec.jobs;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.concat;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.countDistinct;
import static org.apache.spark.sql.functions.first;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.regexp_extract;
import static org.apache.spark.sql.functions.row_number;
import static org.apache.spark.sql.functions.when;

import java.io.IOException;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.expressions.Window;
import org.apache.spark.sql.expressions.WindowSpec;
import org.facerec.config.FaceConfig;
import org.facerec.io.Inputs;
import org.facerec.io.ModelCheck;
import org.facerec.io.ResidentsTable;
import org.facerec.io.Tables;
import org.facerec.pipeline.FaceStatus;

/**
 * Enrolment: photos of residents in, one table row per photo out ({@link ResidentsTable}). Rows
 * are keyed by resident, path and content hash: a re-run over the same inputs re-encodes nothing
 * and changes nothing; a new or changed photo is (re-)encoded and replaces its path's row; the
 * same content under a second path is kept as a {@code DUPLICATE} row. {@code replace} drops
 * residents' rows before enrolling them afresh, {@code remove} deletes residents. The table after
 * the run is computed whole, as before, but committed as one MERGE of the rows that differ from
 * the version read: adding photos writes only their rows.
 */
public final class EnrollJob {
  /** Where the photos come from: a folder, or a manifest CSV {@code resident_id,path}. */
  public record Request(String images, String manifest, String imagesRoot, String table,
      String csvOut, List<String> replace, List<String> remove) {}

  private EnrollJob() {}

  public static Summary run(Run run, Request req) throws IOException {
    // the version read is the version merged into: a writer committing meanwhile is a conflict
    long readVersion = run.tables().upgrade(req.table(), ResidentsTable.SCHEMA);
    Dataset<Row> before = existing(run, req.table(), readVersion);
    Dataset<Row> existing = before;
    List<String> dropped = new ArrayList<>(req.remove());
    dropped.addAll(req.replace());
    if (!dropped.isEmpty()) {
      existing = existing.filter(col("resident_id").isin(dropped.toArray()).unary_$bang());
    }
    Dataset<Row> all;
    Map<String, Long> counts = new LinkedHashMap<>();
    if (req.images() == null && req.manifest() == null) {
      all = existing; // --remove alone
    } else {
      Dataset<Row> encoded = encodeChanged(run, inputs(run, req), existing);
      counts.putAll(Summary.countBy(encoded, "status"));
      all = merge(run, existing, encoded);
    }
    long version = run.tables().merge(req.table(), ResidentsTable.SCHEMA, before,
        all.select(ResidentsTable.columns()), ResidentsTable.KEYS, readVersion);
    Dataset<Row> written = ResidentsTable.read(run.tables(), req.table(), version);
    run.tables().writeCsv(Tables.forPeople(ResidentsTable.inOrder(written)), req.csvOut());
    long processed = counts.values().stream().mapToLong(Long::longValue).sum();
    Map<String, String> facts = facts(run, req, written);
    facts.put(ResidentsTable.VERSION_COLUMN, Long.toString(version));
    return new Summary("enroll", counts, processed, run.elapsedSeconds(), facts);
  }

  /** The inputs joined to the table's hashes and encoded: unchanged content is not decoded. */
  private static Dataset<Row> encodeChanged(Run run, Dataset<Row> inputs, Dataset<Row> existing)
      throws IOException {
    Dataset<Row> known = existing.select(col("resident_id"), col("image_path"),
        col("content_sha256").as("known_sha256"));
    Dataset<Row> todo = inputs.join(known, joinKeys(inputs, known), "left")
        .drop(known.col("resident_id")).drop(known.col("image_path"));
    return run.encode(todo, FaceConfig.ENROLL, "known_sha256").cache();
  }

  /** The table after this run: the rows kept, the changed ones replaced, duplicates marked. */
  private static Dataset<Row> merge(Run run, Dataset<Row> existing, Dataset<Row> encoded) {
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
        .select(ResidentsTable.columns());
    return markDuplicates(kept.select(ResidentsTable.columns()).unionByName(fresh));
  }

  private static Map<String, String> facts(Run run, Request req, Dataset<Row> written) {
    Map<String, String> facts = new LinkedHashMap<>();
    // one pass over the table (each read of a Delta table costs a snapshot and a file listing)
    Map<String, Long> byStatus = new LinkedHashMap<>();
    long rows = 0;
    long residents = 0;
    for (Row r : written.groupBy("status").agg(count(lit(1)), countDistinct(col("resident_id")))
        .orderBy("status").collectAsList()) {
      byStatus.put(r.isNullAt(0) ? "(none)" : r.getString(0), r.getLong(1));
      rows += r.getLong(1);
      residents += FaceStatus.OK.name().equals(r.getString(0)) ? r.getLong(2) : 0;
    }
    facts.put("table", req.table() + " (" + rows + " rows, " + residents
        + " residents with at least one encoding)");
    facts.put("table rows by status", byStatus.toString());
    facts.put("csv", req.csvOut());
    facts.put("model", run.model().id());
    facts.put("faces", run.faces());
    if (!req.remove().isEmpty()) {
      facts.put("removed", String.join(",", req.remove()));
    }
    return facts;
  }

  private static Column joinKeys(Dataset<Row> a, Dataset<Row> b) {
    return a.col("resident_id").eqNullSafe(b.col("resident_id"))
        .and(a.col("image_path").eqNullSafe(b.col("image_path")));
  }

  /**
   * The table as of {@code version}, or an empty one (version -1: no table); refuses a table of
   * another model.
   */
  private static Dataset<Row> existing(Run run, String table, long version) throws IOException {
    if (version < 0) {
      return run.spark().createDataFrame(List.of(), ResidentsTable.SCHEMA);
    }
    Dataset<Row> t = ResidentsTable.read(run.tables(), table, version);
    ModelCheck.require(t, table, run.model().id());
    return t.select(ResidentsTable.columns());
  }

  /** (resident_id, image_path, input_error) from a folder or a manifest. */
  private static Dataset<Row> inputs(Run run, Request req) throws IOException {
    return labelled(run, req.images(), req.manifest(), req.imagesRoot());
  }

  /**
   * (resident_id, image_path, input_error): the photos of a folder ({@code images}, one folder
   * per person or one flat file per person) or of a manifest CSV {@code resident_id,path};
   * enroll's layouts, which train reads too.
   */
  static Dataset<Row> labelled(Run run, String images, String manifest, String imagesRoot)
      throws IOException {
    if (images != null) {
      Dataset<Row> files = Inputs.listImages(run.spark(), images,
          run.config().inputs().extensions());
      // ROOT/<resident_id>/*.jpg, or flat ROOT/<resident_id>.jpg (the Happy House layout)
      Column id = when(col("relative").contains("/"),
          regexp_extract(col("relative"), "^([^/]+)/", 1))
          .otherwise(regexp_extract(col("relative"), "^(.*?)(\\.[^.]*)?$", 1));
      return files.select(id.as("resident_id"), col(Inputs.IMAGE_PATH), col(Inputs.INPUT_ERROR));
    }
    return Inputs.readCsv(run.spark(), manifest, "manifest",
        List.of("resident_id", "path"), List.of(), "path", imagesRoot)
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
}
