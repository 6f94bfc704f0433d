package org.facerec.report;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.desc;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.min;
import static org.apache.spark.sql.functions.when;
import static org.facerec.report.Format.fmt;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.facerec.match.Decision;
import org.facerec.match.GreedyClusters;
import org.facerec.report.AuditReport.Item;
import org.facerec.report.AuditReport.Photo;
import org.facerec.spark.Embeddings;

/**
 * identify's audit: every UNKNOWN and every MATCH near the threshold, each probe beside the
 * nearest photo of each of its nearest residents; then the residents seen and the UNKNOWN faces
 * grouped by similarity, so that a recurring stranger appears once with a count.
 */
final class IdentifyAudit extends AuditReports.Audit {
  /** At most this many UNKNOWN faces are grouped (each is compared with every group). */
  static final int MAX_CLUSTERED = 5000;
  /** Enrolled photos shown per card: the nearest candidates'. */
  static final int CANDIDATE_PHOTOS = 3;

  /** The UNKNOWN faces of several nights (a history's), or null: the run's own. */
  private final Dataset<Row> nights;

  IdentifyAudit(Dataset<Row> nights) {
    super("Camera log: identify", Decision.MATCH, Decision.UNKNOWN,
        "every UNKNOWN, and every MATCH", "Distance to the nearest resident",
        "Images at or right of the review line are listed below.");
    this.nights = nights;
  }

  @Override
  Dataset<Row> review(Dataset<Row> decided, double threshold, double margin) {
    Column d = col("distance");
    String match = Decision.MATCH.name();
    return decided
        .filter(col("decision").equalTo(Decision.UNKNOWN.name()).and(d.isNotNull())
            .or(col("decision").equalTo(match).and(d.geq(lit(threshold - margin)))))
        .withColumn("margin", when(col("decision").equalTo(match),
            lit(threshold).minus(d)).otherwise(d.minus(lit(threshold))));
  }

  @Override
  Set<String> residents(List<Row> shown) {
    Set<String> ids = new LinkedHashSet<>();
    for (Row x : shown) {
      for (Row c : AuditReports.candidates(x)) {
        ids.add(c.getString(0));
      }
    }
    return ids;
  }

  @Override
  String titleTail(Row x) {
    return x.getAs("decision").equals(Decision.MATCH.name()) ? " · " + x.getAs("identity") : "";
  }

  @Override
  List<Photo> photos(Row x, ReportPhotos photos,
      Map<String, List<ReportPhotos.Enrolled>> enrolled) {
    float[] probe = Embeddings.of(x, x.fieldIndex("embedding"));
    List<Photo> ps = new ArrayList<>();
    ps.add(photos.probe(x));
    for (Row c : AuditReports.candidates(x)) {
      if (ps.size() <= CANDIDATE_PHOTOS) {
        ps.add(photos.nearest(enrolled, c.getString(0), probe, label(c)));
      }
    }
    return ps;
  }

  @Override
  List<String> lines(Row x) {
    List<String> names = new ArrayList<>();
    for (Row c : AuditReports.candidates(x)) {
      names.add(label(c));
    }
    List<String> lines = new ArrayList<>();
    lines.add("nearest: " + String.join(", ", names));
    if (x.getAs("ts") != null) {
      lines.add("time " + x.getAs("ts"));
    }
    return lines;
  }

  private static String label(Row candidate) {
    return candidate.getString(0) + " " + fmt(candidate.getDouble(1));
  }

  @Override
  String cardsNote(double margin) {
    return "Every UNKNOWN, and every MATCH within " + fmt(margin) + " of the threshold, by "
        + "margin: how far the distance is from the threshold, smallest first. Beside each "
        + "probe: the nearest photo of each of its nearest residents.";
  }

  @Override
  void more(AuditReport page, Dataset<Row> decided, ReportPhotos photos, double threshold,
      int cap, AuditReports.Files files) {
    residentsSeen(page, decided, cap);
    strangers(page, nights != null ? nights : decided, nights != null, photos, threshold, cap,
        files);
  }

  /** The residents matched, most often seen first. */
  private static void residentsSeen(AuditReport page, Dataset<Row> decided, int cap) {
    Dataset<Row> seen = decided.filter(col("decision").equalTo(Decision.MATCH.name()))
        .groupBy("identity").agg(count(lit(1)).as("n"), min("ts").as("first"),
            max("ts").as("last"));
    long total = seen.count();
    List<List<String>> rows = new ArrayList<>();
    for (Row r : seen.orderBy(desc("n"), col("identity")).limit(cap).collectAsList()) {
      rows.add(List.of(r.getString(0), Long.toString(r.getLong(1)),
          r.isNullAt(2) ? "" : r.getString(2), r.isNullAt(3) ? "" : r.getString(3)));
    }
    page.table("Residents seen (" + total + ")", "residents", total > rows.size()
        ? "The " + rows.size() + " seen most often of " + total + "." : null,
        List.of("resident", "events", "first seen", "last seen"), rows);
  }

  /** The UNKNOWN faces grouped by similarity, a recurring stranger once. */
  private static void strangers(AuditReport page, Dataset<Row> decided, boolean history,
      ReportPhotos photos, double threshold, int cap, AuditReports.Files files) {
    Dataset<Row> unknown = decided.filter(col("decision").equalTo(Decision.UNKNOWN.name())
        .and(col("embedding").isNotNull()));
    long total = unknown.count();
    List<Row> faces = unknown.orderBy(col("ts"), col("event_id"), col("image_path"))
        .limit(MAX_CLUSTERED).collectAsList();
    List<float[]> enc = new ArrayList<>();
    for (Row f : faces) {
      enc.add(Embeddings.of(f, f.fieldIndex("embedding")));
    }
    int[] cluster = GreedyClusters.of(enc, threshold);
    Map<Integer, List<Row>> groups = new LinkedHashMap<>();
    for (int i = 0; i < faces.size(); i++) {
      groups.computeIfAbsent(cluster[i], c -> new ArrayList<>()).add(faces.get(i));
    }
    List<List<Row>> recurring = new ArrayList<>();
    for (List<Row> g : groups.values()) {
      if (g.size() > 1) {
        recurring.add(g);
      }
    }
    recurring.sort((a, b) -> Integer.compare(b.size(), a.size())); // stable: first seen first
    List<Item> items = new ArrayList<>();
    for (List<Row> g : recurring.subList(0, Math.min(cap, recurring.size()))) {
      items.add(group(g, photos));
    }
    long once = groups.size() - recurring.size();
    page.cards("Unknown faces seen more than once", "strangers", total + " UNKNOWN faces"
        + (history ? " in the history over the --since days" : "")
        + (total > faces.size() ? " (the first " + faces.size() + " by time grouped)" : "")
        + " form " + groups.size() + " groups: " + recurring.size() + " seen more than once, "
        + once + " seen once. A face joins the group whose first face is nearest when that is "
        + "under the threshold (" + fmt(threshold) + "), else starts one.", items,
        recurring.size(), (history ? "the history table" : files.parquet())
        + " (decision UNKNOWN; face_distance in facerec query compares them)");
  }

  /** A recurring stranger's card: the first photos, the events, first and last time. */
  private static Item group(List<Row> g, ReportPhotos photos) {
    List<Photo> ps = new ArrayList<>();
    List<String> events = new ArrayList<>();
    for (Row f : g) {
      if (ps.size() < 4) {
        ps.add(photos.probe(f, String.valueOf((Object) f.getAs("event_id"))));
      }
      events.add(String.valueOf((Object) f.getAs("event_id")));
    }
    List<String> lines = new ArrayList<>();
    lines.add("events: " + String.join(", ", events.subList(0, Math.min(12, events.size())))
        + (events.size() > 12 ? " and " + (events.size() - 12) + " more" : ""));
    Object first = g.get(0).getAs("ts");
    Object last = g.get(g.size() - 1).getAs("ts");
    if (first != null) {
      lines.add("from " + first + " to " + last);
    }
    return new Item("seen " + g.size() + " times", lines, ps, "bad");
  }
}
