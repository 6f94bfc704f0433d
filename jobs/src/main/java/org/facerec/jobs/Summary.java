package org.facerec.jobs;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.facerec.report.AuditReports;

/** What a job did: counts per status or decision, time, throughput; printed for people. */
public record Summary(String job, Map<String, Long> counts, long images, double seconds,
    Map<String, String> facts) {

  /** Counts of {@code column}'s values in {@code rows}. */
  public static Map<String, Long> countBy(Dataset<Row> rows, String column) {
    Map<String, Long> out = new LinkedHashMap<>();
    List<Row> counted = rows.groupBy(column).count().orderBy(column).collectAsList();
    for (Row r : counted) {
      out.put(r.isNullAt(0) ? "(none)" : r.getString(0), r.getLong(1));
    }
    return out;
  }

  /** What an audit report says about the run: its {@code inputs}, then this summary. */
  AuditReports.RunFacts forReport(Map<String, String> inputs, long startedAt) {
    return new AuditReports.RunFacts(inputs, counts, facts, startedAt, seconds, images);
  }

  public long count(String key) {
    return counts.getOrDefault(key, 0L);
  }

  public double imagesPerSecond() {
    return seconds <= 0 ? 0 : images / seconds;
  }

  public String render() {
    StringBuilder sb = new StringBuilder();
    if (images > 0 || facts.isEmpty() && counts.isEmpty()) {
      sb.append(String.format(Locale.ROOT, "facerec %s: %d images in %.1f s (%.1f images/s)%n",
          job, images, seconds, imagesPerSecond()));
    } else {
      sb.append(String.format(Locale.ROOT, "facerec %s: done in %.1f s%n", job, seconds));
    }
    counts.forEach((k, v) -> sb.append(String.format(Locale.ROOT, "  %-16s %d%n", k, v)));
    facts.forEach((k, v) -> sb.append(String.format(Locale.ROOT, "  %s: %s%n", k, v)));
    return sb.toString();
  }
}
