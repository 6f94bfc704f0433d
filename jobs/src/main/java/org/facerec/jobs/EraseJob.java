package org.facerec.jobs;

import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.exists;
import static org.apache.spark.sql.functions.lit;

import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.facerec.io.ResidentsTable;
import org.facerec.io.Tables;
import org.facerec.pipeline.FaceStatus;

/**
 * Erasure of residents (GDPR Art. 17, BIPA's destruction duty). Their data is every row that
 * names them or was computed from their encodings:
 *
 * <ul>
 *   <li>residents table: their rows (every status), and the DUPLICATE rows of other residents
 *       that repeat one of their photos (those rows name the photo and the resident);
 *   <li>verify.parquet: events claiming them ({@code claimed_id}) and events where they were
 *       the nearest other resident ({@code nearest_id}: that decision used their encodings);
 *   <li>identify.parquet: events identified as them ({@code identity}) or listing them among the
 *       candidates (the distances and the decision came from their encodings);
 *   <li>the CSV copies of those tables, rewritten from the rewritten tables;
 *   <li>the reports of verify and identify in those folders, deleted (they show the residents'
 *       names and photos; the next run of the job writes new ones).
 * </ul>
 *
 * The residents table (Delta) loses the rows by a delete that rewrites the files holding them,
 * then a VACUUM without retention deletes every file its latest version does not use (so the
 * earlier versions, which still held the rows, can no longer be read); the outputs are rewritten
 * through {@link org.facerec.io.Outputs}: new files, the old ones deleted after the commit. Any
 * leftovers of crashed runs go with them, so that no file holds the rows any more. Re-running
 * verify or identify recomputes the other residents' events that were removed.
 */
public final class EraseJob {
  /**
   * @param outs output folders of verify / identify / enroll (their verify.*, identify.* and
   *     enroll.csv are rewritten when present)
   */
  public record Request(List<String> residents, String table, List<String> outs,
      List<String> histories) {}

  private EraseJob() {}

  public static Summary run(Run run, Request req) throws IOException {
    if (req.residents().isEmpty()) {
      throw new IllegalArgumentException("name at least one resident to erase");
    }
    Erasure e = new Erasure(run, req.residents().toArray());
    String enrollCsv = new EnrollOutputs(req.table(), null).csv();
    Dataset<Row> residents = e.residentsTable(req.table(), enrollCsv);
    for (String out : req.outs()) {
      e.outputFolder(out, residents, enrollCsv);
    }
    for (String history : req.histories()) {
      e.history(history);
    }
    e.facts.put("erased", String.join(",", req.residents()));
    return new Summary("erase", e.counts, 0, run.elapsedSeconds(), e.facts);
  }

  /** One erasure's steps and what they did. */
  private static final class Erasure {
    private final Run run;
    private final Tables tables;
    private final Object[] ids;
    private final Map<String, Long> counts = new LinkedHashMap<>();
    private final Map<String, String> facts = new LinkedHashMap<>();

    Erasure(Run run, Object[] ids) {
      this.run = run;
      this.tables = run.tables();
      this.ids = ids;
    }

    /**
     * Deletes their rows from the residents table, then every file of it that held them
     * (old versions' files: their versions become unreadable), and rewrites its CSV copy;
     * returns the table after.
     */
    Dataset<Row> residentsTable(String path, String enrollCsv) throws IOException {
      long version = tables.upgrade(path, ResidentsTable.SCHEMA);
      if (version < 0) {
        throw new IOException("residents table " + path + " does not exist");
      }
      Dataset<Row> table = ResidentsTable.read(tables, path, version);
      Column theirs = names(col("resident_id"), ids);
      List<String> photos = table.filter(theirs.and(col("content_sha256").isNotNull()))
          .select("content_sha256").distinct().as(Encoders.STRING()).collectAsList();
      Column repeatsTheirs = col("status").equalTo(FaceStatus.DUPLICATE.name())
          .and(names(col("content_sha256"), photos.toArray()));
      Dataset<Row> gone = table.filter(theirs.or(repeatsTheirs)).select(ResidentsTable.KEYS
          .stream().map(c -> col(c)).toArray(Column[]::new)).cache();
      long removed = gone.count();
      tables.erase(path, ResidentsTable.SCHEMA, gone, ResidentsTable.KEYS);
      counts.put("residents rows removed", removed);
      facts.put("rewritten", path + " (version " + tables.version(path) + "; the files of "
          + "earlier versions deleted)");
      Dataset<Row> residents = tables.read(path);
      rewriteEnrollCsv(residents, enrollCsv);
      return residents;
    }

    /**
     * Deletes from a history table of verify or identify ({@code --history}) the rows that name
     * them, as from those jobs' tables, then the files that held them.
     */
    void history(String path) throws IOException {
      if (!tables.isDelta(path)) {
        throw new IOException(path + " is not a history table (a Delta table)");
      }
      Dataset<Row> h = tables.read(path, tables.version(path));
      List<String> columns = java.util.Arrays.asList(h.columns());
      Column theirs = lit(false);
      for (String c : List.of("claimed_id", "nearest_id", "identity")) {
        if (columns.contains(c)) {
          theirs = theirs.or(names(col(c), ids));
        }
      }
      if (columns.contains("candidates")) {
        theirs = theirs.or(coalesce(exists(col("candidates"),
            c -> c.getField("resident_id").isin(ids)), lit(false)));
      }
      List<String> keys = List.of("event_id", "image_path", EventOutputs.HISTORY_INPUT,
          EventOutputs.HISTORY_DAY, EventOutputs.HISTORY_RUN_AT);
      Dataset<Row> gone = h.filter(theirs).select(keys.stream().map(k -> col(k))
          .toArray(Column[]::new)).cache();
      long removed = gone.count();
      tables.erase(path, h.schema(), gone, keys);
      counts.merge("history rows removed", removed, Long::sum);
      facts.merge("rewritten", path, (a, b) -> a + ", " + b);
    }

    /** Rewrites the outputs in {@code out}, deletes its reports. */
    void outputFolder(String out, Dataset<Row> residents, String enrollCsv) throws IOException {
      EventOutputs verify = EventOutputs.verify(out);
      EventOutputs identify = EventOutputs.identify(out);
      boolean any = rewrite(verify, v -> v.filter(names(col("claimed_id"), ids)
          .or(names(col("nearest_id"), ids)).unary_$bang()));
      Column listed = coalesce(exists(col("candidates"),
          c -> c.getField("resident_id").isin(ids)), lit(false));
      any |= rewrite(identify, i -> i.filter(names(col("identity"), ids).or(listed)
          .unary_$bang()));
      String csv = new EnrollOutputs(null, out).csv();
      if (!csv.equals(enrollCsv) && tables.fileExists(csv)) {
        any = true;
        rewriteEnrollCsv(residents, csv);
      }
      if (!any) {
        throw new IOException(out + " holds no " + verify.job() + EventOutputs.PARQUET + ", "
            + identify.job() + EventOutputs.PARQUET + " or " + EnrollOutputs.CSV);
      }
      // the reports show their photos and names; the next verify or identify writes new ones
      for (String report : List.of(verify.report(), identify.report())) {
        if (tables.deleteFile(report)) {
          facts.merge("deleted", report, (a, b) -> a + ", " + b);
        }
      }
    }

    /**
     * Rewrites a job's table, when there is one, with the rows {@code keep} keeps, and its CSV
     * copy from the rewritten table; true when there was a table.
     */
    private boolean rewrite(EventOutputs outputs, UnaryOperator<Dataset<Row>> keep)
        throws IOException {
      String path = outputs.parquet();
      if (!tables.exists(path)) {
        return false;
      }
      Dataset<Row> before = tables.read(path);
      Dataset<Row> kept = EventOutputs.inOrder(keep.apply(before)).cache();
      long removed = before.count() - kept.count();
      tables.write(kept, path);
      tables.writeCsv(outputs.forPeople(EventOutputs.inOrder(tables.read(path))), outputs.csv());
      counts.merge(outputs.job() + " rows removed", removed, Long::sum);
      facts.merge("rewritten", path, (a, b) -> a + ", " + b);
      return true;
    }

    private void rewriteEnrollCsv(Dataset<Row> residents, String csv) throws IOException {
      if (csv != null && tables.fileExists(csv)) {
        tables.writeCsv(Tables.forPeople(ResidentsTable.inOrder(residents)), csv);
        facts.merge("rewritten", csv, (a, b) -> a + ", " + b);
      }
    }
  }

  /** True when {@code c} is one of {@code values}; false (not null) for a null {@code c}. */
  private static Column names(Column c, Object[] values) {
    return values.length == 0 ? lit(false) : coalesce(c.isin(values), lit(false));
  }
}
