package org.facerec.jobs;

import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.exists;
import static org.apache.spark.sql.functions.lit;

import java.io.IOException;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.facerec.spark.FaceStatus;

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
 * Each table is rewritten through {@link Outputs}: new files, the old ones deleted after the
 * commit (and any leftovers of crashed runs with them), so that no file holds the rows any more.
 * Re-running verify or identify recomputes the other residents' events that were removed.
 */
public final class EraseJob {
  /**
   * @param outs output folders of verify / identify / enroll (their verify.*, identify.* and
   *     enroll.csv are rewritten when present)
   * @param enrollCsv the residents table's CSV copy (rewritten when present)
   */
  public record Request(List<String> residents, String table, List<String> outs,
      String enrollCsv) {}

  private EraseJob() {}

  public static Summary run(Run run, Request req) throws IOException {
    if (req.residents().isEmpty()) {
      throw new IllegalArgumentException("name at least one resident to erase");
    }
    Object[] ids = req.residents().toArray();
    Map<String, Long> counts = new LinkedHashMap<>();
    Map<String, String> facts = new LinkedHashMap<>();

    if (Inputs.tableData(run.spark(), req.table()) == null) {
      throw new IOException("residents table " + req.table() + " does not exist");
    }
    Dataset<Row> table = run.readTable(req.table());
    if (!Arrays.asList(table.columns()).containsAll(List.of("resident_id", "content_sha256",
        "status"))) {
      throw new IOException(req.table() + " is not a facerec residents table");
    }
    Column theirs = names(col("resident_id"), ids);
    List<String> photos = table.filter(theirs.and(col("content_sha256").isNotNull()))
        .select("content_sha256").distinct().as(Encoders.STRING()).collectAsList();
    Column repeatsTheirs = col("status").equalTo(FaceStatus.DUPLICATE.name())
        .and(names(col("content_sha256"), photos.toArray()));
    Dataset<Row> kept = table.filter(theirs.or(repeatsTheirs).unary_$bang())
        .orderBy("resident_id", "image_path").cache();
    long removed = table.count() - kept.count();
    run.writeTable(kept, req.table());
    counts.put("residents rows removed", removed);
    facts.put("rewritten", req.table());
    Dataset<Row> residents = run.readTable(req.table());
    rewriteEnrollCsv(run, residents, req.enrollCsv(), facts);

    for (String out : req.outs()) {
      boolean any = false;
      String verify = out + "/verify.parquet";
      if (Inputs.tableData(run.spark(), verify) != null) {
        any = true;
        Dataset<Row> v = run.readTable(verify);
        Dataset<Row> keptV = v.filter(names(col("claimed_id"), ids)
            .or(names(col("nearest_id"), ids)).unary_$bang()).orderBy("event_id", "image_path");
        long n = rewrite(run, v, keptV, verify);
        run.writeCsv(EnrollJob.forPeople(run.readTable(verify)).orderBy("event_id",
            "image_path"), out + "/verify.csv");
        counts.merge("verify rows removed", n, Long::sum);
        facts.merge("rewritten", verify, (a, b) -> a + ", " + b);
      }
      String identify = out + "/identify.parquet";
      if (Inputs.tableData(run.spark(), identify) != null) {
        any = true;
        Dataset<Row> i = run.readTable(identify);
        Column listed = coalesce(exists(col("candidates"),
            c -> c.getField("resident_id").isin(ids)), lit(false));
        Dataset<Row> keptI = i.filter(names(col("identity"), ids).or(listed).unary_$bang())
            .orderBy("event_id", "image_path");
        long n = rewrite(run, i, keptI, identify);
        run.writeCsv(IdentifyJob.forPeople(run.readTable(identify)).orderBy("event_id",
            "image_path"), out + "/identify.csv");
        counts.merge("identify rows removed", n, Long::sum);
        facts.merge("rewritten", identify, (a, b) -> a + ", " + b);
      }
      String enrollCsv = out + "/enroll.csv";
      if (!enrollCsv.equals(req.enrollCsv()) && Inputs.exists(run.spark(), enrollCsv)) {
        any = true;
        rewriteEnrollCsv(run, residents, enrollCsv, facts);
      }
      if (!any) {
        throw new IOException(out + " holds no verify.parquet, identify.parquet or enroll.csv");
      }
      // the reports show their photos and names; the next verify or identify writes new ones
      for (String job : AuditReports.JOBS) {
        String report = AuditReports.file(out, job);
        if (Inputs.exists(run.spark(), report)) {
          Path p = Inputs.qualified(run.spark(), report);
          p.getFileSystem(run.spark().sparkContext().hadoopConfiguration()).delete(p, false);
          facts.merge("deleted", report, (a, b) -> a + ", " + b);
        }
      }
    }
    facts.put("erased", String.join(",", req.residents()));
    run.spark().sqlContext().clearCache();
    return new Summary("erase", counts, 0, run.elapsedSeconds(), facts);
  }

  /** True when {@code c} is one of {@code values}; false (not null) for a null {@code c}. */
  private static Column names(Column c, Object[] values) {
    return values.length == 0 ? lit(false) : coalesce(c.isin(values), lit(false));
  }

  private static long rewrite(Run run, Dataset<Row> before, Dataset<Row> kept, String dest)
      throws IOException {
    kept = kept.cache();
    long removed = before.count() - kept.count();
    run.writeTable(kept, dest);
    return removed;
  }

  private static void rewriteEnrollCsv(Run run, Dataset<Row> residents, String csv,
      Map<String, String> facts) throws IOException {
    if (csv != null && Inputs.exists(run.spark(), csv)) {
      // in the table's order: a table read back comes in file-size order, not the order written
      run.writeCsv(EnrollJob.forPeople(residents).orderBy("resident_id", "image_path"), csv);
      facts.merge("rewritten", csv, (a, b) -> a + ", " + b);
    }
  }
}
