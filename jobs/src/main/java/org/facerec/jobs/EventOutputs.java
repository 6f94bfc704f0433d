package org.facerec.jobs;

import static org.apache.spark.sql.functions.expr;

import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.facerec.io.Tables;
import org.facerec.report.AuditReports;

/**
 * The outputs of verify and identify in their output folder, named here and nowhere else, by job
 * (the two often share a folder): the decisions as a table ({@code <job>.parquet}), its CSV copy
 * for people ({@code <job>.csv}) and the audit report ({@code <job>-report.html}). The jobs write
 * them, erase rewrites or deletes them, the commands' help names them.
 */
public record EventOutputs(String dir, String job) {
  public static final String VERIFY = "verify";
  public static final String IDENTIFY = "identify";
  public static final String PARQUET = ".parquet";
  public static final String CSV = ".csv";
  public static final String REPORT = "-report.html";

  public static EventOutputs verify(String dir) {
    return new EventOutputs(dir, VERIFY);
  }

  public static EventOutputs identify(String dir) {
    return new EventOutputs(dir, IDENTIFY);
  }

  public String parquet() {
    return dir + "/" + job + PARQUET;
  }

  public String csv() {
    return dir + "/" + job + CSV;
  }

  public String report() {
    return dir + "/" + job + REPORT;
  }

  /**
   * The CSV copy's rows: no encodings, the face box as text, and identify's candidates as
   * {@code id:distance;...}.
   */
  Dataset<Row> forPeople(Dataset<Row> decided) {
    Dataset<Row> rows = Tables.forPeople(decided);
    return !job.equals(IDENTIFY) ? rows : rows.withColumn("candidates",
        expr("array_join(transform(candidates, c -> concat(c.resident_id, ':', "
            + "format_number(c.distance, 4))), ';')"));
  }

  /**
   * The decisions in their tables' order, by event and path; again for a CSV copy taken from a
   * table read back (see {@link org.facerec.io.ResidentsTable#inOrder}).
   */
  static Dataset<Row> inOrder(Dataset<Row> rows) {
    return rows.orderBy("event_id", "image_path");
  }

  /** Writes the decisions: the table, then its CSV copy. */
  void write(Tables tables, Dataset<Row> decided) throws java.io.IOException {
    tables.write(decided, parquet());
    tables.writeCsv(forPeople(decided), csv());
  }

  /** The report's path, and where its lists are in full. */
  AuditReports.Files reportFiles() {
    return new AuditReports.Files(report(), job + CSV, job + PARQUET);
  }
}
