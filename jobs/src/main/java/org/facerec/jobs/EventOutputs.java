package org.facerec.jobs;

import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.expr;
import static org.apache.spark.sql.functions.lit;

import java.io.IOException;
import java.sql.Date;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Encoders;

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
  /** The history tables' own columns: the run's input, its start, the day partition. */
  public static final String HISTORY_INPUT = "input";
  public static final String HISTORY_RUN_AT = "run_at";
  public static final String HISTORY_DAY = "day";

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
  void write(Tables tables, Dataset<Row> decided) throws IOException {
    tables.write(decided, parquet());
    tables.writeCsv(forPeople(decided), csv());
  }

  /** What a run wrote into a history table: the summary's line, and the days of its rows. */
  record HistoryWrite(String description, List<LocalDate> days) {
    LocalDate lastDay() {
      return days.get(days.size() - 1);
    }
  }

  /**
   * Writes the run's rows into the history table {@code history} (Delta, partitioned by
   * {@code day}: the date of {@code ts} where it is a time, else the run's date, UTC), in place
   * of that table's rows of the same days from the same {@code input}: a night re-run replaces
   * its rows, never adds them twice.
   */
  HistoryWrite writeHistory(Run run, String history, Dataset<Row> decided, String input)
      throws IOException {
    LocalDate runDay = Instant.ofEpochMilli(run.startedAt()).atZone(ZoneOffset.UTC)
        .toLocalDate();
    Column day = lit(Date.valueOf(runDay));
    if (Arrays.asList(decided.columns()).contains("ts")) {
      day = coalesce(expr("to_date(try_to_timestamp(ts))"), day);
    }
    Dataset<Row> rows = decided.withColumn(HISTORY_INPUT, lit(input))
        .withColumn(HISTORY_RUN_AT, lit(new Timestamp(run.startedAt())))
        .withColumn(HISTORY_DAY, day).cache();
    List<LocalDate> days = rows.select(HISTORY_DAY).distinct().as(Encoders.DATE())
        .collectAsList().stream().map(Date::toLocalDate).sorted().toList();
    String where = (days.isEmpty() ? "false" : HISTORY_DAY + " IN (" + days.stream()
        .map(d -> "DATE'" + d + "'").collect(Collectors.joining(", ")) + ")") + " AND "
        + HISTORY_INPUT + " = '" + input.replace("\\", "\\\\").replace("'", "\\'") + "'";
    long version = run.tables().replace(history, rows, where, HISTORY_DAY);
    return new HistoryWrite(history + " version " + version + " (" + rows.count()
        + " rows; days " + days.stream().map(LocalDate::toString)
        .collect(Collectors.joining(", ")) + ")", days.isEmpty() ? List.of(runDay) : days);
  }

  /** The history's UNKNOWN faces, every input's, of the days {@code first} to {@code last}. */
  static Dataset<Row> unknownBetween(Run run, String history, LocalDate first, LocalDate last)
      throws IOException {
    return run.tables().read(history, run.tables().version(history))
        .filter(col(HISTORY_DAY).between(Date.valueOf(first), Date.valueOf(last))
            .and(col("decision").equalTo(org.facerec.match.Decision.UNKNOWN.name())));
  }

  /** The report's path, and where its lists are in full. */
  AuditReports.Files reportFiles() {
    return new AuditReports.Files(report(), job + CSV, job + PARQUET);
  }
}
