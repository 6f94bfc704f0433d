package org.facerec.report;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.not;
import static org.apache.spark.sql.functions.when;
import static org.facerec.report.Format.fmt;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.facerec.config.InputLimits;
import org.facerec.config.ReportConfig;
import org.facerec.config.Settings;
import org.facerec.io.Inputs;
import org.facerec.io.Tables;
import org.facerec.learn.PairHead;
import org.facerec.match.Decision;
import org.facerec.pipeline.FaceStatus;
import org.facerec.report.AuditReport.Item;
import org.facerec.report.AuditReport.Photo;

/**
 * The audit reports that verify and identify write beside their outputs, for the person who
 * audits the run: the decisions that need a human (every rejection, unknown face and image that
 * could not be checked, and every acceptance within {@code facerec.report.margin} of the
 * threshold), most doubtful first, each with the probe photo beside the closest enrolled photos;
 * the distances against the threshold; and for identify the residents seen and the unknown faces
 * grouped. Both reports are one skeleton ({@link #write}); what differs, which decisions are
 * reviewed and what a card shows, is an {@link Audit} ({@link VerifyAudit},
 * {@link IdentifyAudit}). Lists stop at {@code facerec.report.max-items}; thumbnails are made on
 * the driver for the items shown only ({@link ReportPhotos}).
 */
public final class AuditReports {
  /** At most this many distances are drawn; a larger run's histogram is of a sample. */
  static final int MAX_HISTOGRAM = 200_000;

  private static final Map<String, String> MEANINGS = Map.of(
      Decision.ACCEPT.name(), "the claimed resident: distance below the threshold",
      Decision.REJECT.name(), "not the claimed resident: distance not below the threshold, or "
          + "another resident nearer (rank rule)",
      Decision.UNKNOWN_CLAIM.name(), "nobody is enrolled under the claimed id with a usable "
          + "photo",
      Decision.MATCH.name(), "the nearest resident, below the threshold",
      Decision.UNKNOWN.name(), "nobody enrolled is near enough",
      FaceStatus.BAD_IMAGE.name(), "the image could not be read",
      FaceStatus.BAD_ROW.name(), "the input line is malformed",
      FaceStatus.NO_FACE.name(), "no face was found",
      FaceStatus.MULTIPLE_FACES.name(), "several faces where one is required");

  private static final String HEAD_CHART_NOTE = "This run decided by the learned same-person "
      + "head (facerec.decide-by = head), not by a distance threshold: p_same = sigmoid(sum_k "
      + "w_k phi(x_k, y_k) + b) over the components of the two encodings, same person when it is "
      + "at least the p-threshold (facerec calibrate --head picked it for a target false accept "
      + "rate). The distances are shown for reference; the outputs carry p_same beside them.";

  /**
   * What the page says about the run: its inputs, then the job's summary (counts per decision,
   * facts, time, images).
   */
  public record RunFacts(Map<String, String> inputs, Map<String, Long> counts,
      Map<String, String> facts, long startedAt, double seconds, long images) {
    double imagesPerSecond() {
      return seconds <= 0 ? 0 : images / seconds;
    }
  }

  /**
   * Where the report goes, and the names of the outputs that hold its lists in full.
   *
   * @param report the report's path
   * @param csv the CSV copy's file name
   * @param parquet the table's file name
   */
  public record Files(String report, String csv, String parquet) {
    String where() {
      return csv + " and " + parquet;
    }
  }

  private final Tables tables;
  private final double threshold;
  private final double margin;
  private final int cap;
  private final ReportPhotos photos;
  private final PairHead head;

  /**
   * @param residents the OK rows of the residents table the run matched against
   * @param threshold the run's threshold
   * @param head the learned head the run decided by, or null (the distance threshold)
   */
  public AuditReports(Tables tables, ReportConfig config, InputLimits limits, double threshold,
      Dataset<Row> residents, PairHead head) {
    this.tables = tables;
    this.head = head;
    this.threshold = threshold;
    this.margin = config.margin();
    this.cap = config.maxItems();
    this.photos = new ReportPhotos(residents, limits,
        tables.protection().columns().contains(Inputs.IMAGE_PATH));
  }

  /**
   * Writes the report of a verify run.
   *
   * @param decided verify's output rows
   * @param probes the encoded events (event_id, image_path, embedding)
   * @param rankMargin the rank rule's margin, NaN when it is off
   */
  public void verify(RunFacts run, Dataset<Row> decided, Dataset<Row> probes, double rankMargin,
      Files files) throws IOException {
    write(new VerifyAudit(probes, rankMargin), run, decided, files);
  }

  /**
   * Writes the report of an identify run from its output rows (which hold the embeddings);
   * {@code strangers}, when not null, the UNKNOWN faces its recurring strangers are grouped
   * from (a history's nights), else the run's own.
   */
  public void identify(RunFacts run, Dataset<Row> decided, Dataset<Row> strangers, Files files)
      throws IOException {
    write(new IdentifyAudit(strangers), run, decided, files);
  }

  /**
   * What a report reviews and how its cards look: the part that differs between verify and
   * identify. A card's first line (margin, distance, threshold) and last (the path) are the
   * skeleton's.
   */
  abstract static class Audit {
    final String title;
    final Decision good;
    final Decision bad;
    final String listed;
    final String chartTitle;
    final String chartNote;

    Audit(String title, Decision good, Decision bad, String listed, String chartTitle,
        String chartNote) {
      this.title = title;
      this.good = good;
      this.bad = bad;
      this.listed = listed;
      this.chartTitle = chartTitle;
      this.chartNote = chartNote;
    }

    /** The decisions to review, with a {@code margin} column: how far from flipping. */
    abstract Dataset<Row> review(Dataset<Row> decided, double threshold, double margin);

    /** Reads what the cards of {@code shown} need beyond their rows. */
    void prepare(List<Row> shown) {}

    /** The residents whose enrolled photos the cards of {@code shown} show. */
    abstract Set<String> residents(List<Row> shown);

    /** What follows the decision and event in a card's title. */
    abstract String titleTail(Row x);

    /** The photos of a card: the probe first. */
    abstract List<Photo> photos(Row x, ReportPhotos photos,
        Map<String, List<ReportPhotos.Enrolled>> enrolled);

    /** A card's lines between the margin line and the path. */
    abstract List<String> lines(Row x);

    /** What the list of cards to check says above it. */
    abstract String cardsNote(double margin);

    /** Sections after the lists (identify: residents seen, recurring strangers). */
    void more(AuditReport page, Dataset<Row> decided, ReportPhotos photos, double threshold,
        int cap, Files files) {}
  }

  /** The one skeleton of both reports. */
  private void write(Audit audit, RunFacts run, Dataset<Row> decided, Files files)
      throws IOException {
    AuditReport page = new AuditReport(audit.title, facts(run, audit.listed));
    page.decisions(run.counts(), meanings());
    page.histogram(audit.chartTitle, distances(decided, audit.good, audit.bad),
        head == null ? threshold : Double.NaN, margin, head == null ? audit.chartNote
            : HEAD_CHART_NOTE);
    Dataset<Row> review = head == null ? audit.review(decided, threshold, margin)
        : headReview(decided, audit);
    long reviewTotal = review.count();
    List<Row> shown = review.orderBy(col("margin"), col("event_id"), col("image_path"))
        .limit(cap).collectAsList();
    audit.prepare(shown);
    Map<String, List<ReportPhotos.Enrolled>> enrolled = photos.enrolled(audit.residents(shown));
    List<Item> items = new ArrayList<>();
    for (Row x : shown) {
      String decision = x.getAs("decision");
      List<String> lines = new ArrayList<>();
      lines.add(head == null ? "margin " + fmt((Number) x.getAs("margin")) + " · distance "
          + fmt((Number) x.getAs("distance")) + " · threshold " + fmt(threshold)
          : "margin " + fmt((Number) x.getAs("margin")) + " · p_same "
          + fmt((Number) x.getAs("p_same")) + " · p-threshold " + fmt(head.pThreshold())
          + " · distance " + fmt((Number) x.getAs("distance")));
      lines.addAll(audit.lines(x));
      photos.pathLine(x, lines);
      items.add(new Item(decision + " · " + x.getAs("event_id") + audit.titleTail(x), lines,
          audit.photos(x, photos, enrolled),
          decision.equals(audit.good.name()) ? "good" : "bad"));
    }
    String cardsNote = head == null ? audit.cardsNote(margin) : "Every " + audit.bad.name()
        + ", and every " + audit.good.name() + " whose p_same is within " + fmt(margin)
        + " of the p-threshold, by margin: how far p_same is from flipping the decision, "
        + "smallest first (a rejection by the rank rule, whose p_same is above the p-threshold, "
        + "first of all). ";
    page.cards("To check", "check", cardsNote + photos.note(), items, reviewTotal,
        files.where());
    undecided(page, decided, audit, files.where());
    audit.more(page, decided, photos, threshold, cap, files);
    tables.writeFile(files.report(), page.page().render().getBytes(StandardCharsets.UTF_8));
  }

  /** The run's facts: its inputs, then the summary's, then time and throughput. */
  private Map<String, String> facts(RunFacts run, String listed) {
    Map<String, String> f = new LinkedHashMap<>(run.inputs());
    run.facts().forEach((k, v) -> {
      if (!k.equals("report")) {
        f.put(k, v);
      }
    });
    f.put("listed to check", listed + " within " + fmt(margin) + " of the "
        + (head == null ? "threshold" : "p-threshold, on p_same") + " ("
        + Settings.REPORT_MARGIN + "); at most " + cap + " per list ("
        + Settings.REPORT_MAX_ITEMS + ")");
    f.put("started", DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss z", Locale.ROOT)
        .format(Instant.ofEpochMilli(run.startedAt()).atZone(ZoneId.systemDefault())));
    f.put("time", String.format(Locale.ROOT, "%.1f s", run.seconds()));
    f.put("images", String.format(Locale.ROOT, "%d (%.1f images/s)", run.images(),
        run.imagesPerSecond()));
    return f;
  }

  /**
   * With a head, the decisions to review: every bad outcome with a p_same, and every good one
   * whose p_same is within the margin of the p-threshold; {@code margin} is how far p_same is
   * from flipping the decision.
   */
  private Dataset<Row> headReview(Dataset<Row> decided, Audit audit) {
    Column p = col("p_same");
    Column t = lit(head.pThreshold());
    Column good = col("decision").equalTo(audit.good.name());
    return decided
        .filter(col("decision").equalTo(audit.bad.name()).and(p.isNotNull())
            .or(good.and(p.lt(t.plus(lit(margin))))))
        .withColumn("margin", when(good, p.minus(t)).otherwise(t.minus(p)));
  }

  /** What each decision means: by the distance threshold, or by the head. */
  private Map<String, String> meanings() {
    if (head == null) {
      return MEANINGS;
    }
    Map<String, String> m = new LinkedHashMap<>(MEANINGS);
    String rule = "the " + head.kind().label() + " head's p_same";
    m.put(Decision.ACCEPT.name(), "the claimed resident: " + rule + " at least the p-threshold "
        + fmt(head.pThreshold()));
    m.put(Decision.REJECT.name(), "not the claimed resident: " + rule + " below the p-threshold,"
        + " or another resident nearer (rank rule)");
    m.put(Decision.MATCH.name(), "the nearest resident, " + rule + " at least the p-threshold "
        + fmt(head.pThreshold()));
    m.put(Decision.UNKNOWN.name(), "nobody enrolled: the nearest resident's p_same is below the "
        + "p-threshold");
    return m;
  }

  /** The distances of the two decided outcomes, for the histogram (sampled when huge). */
  private static Map<String, double[]> distances(Dataset<Row> decided, Decision good,
      Decision bad) {
    Dataset<Row> d = decided.filter(col("distance").isNotNull()
        .and(col("decision").isin(good.name(), bad.name()))).select("decision", "distance");
    long n = d.count();
    if (n > MAX_HISTOGRAM) {
      d = d.sample(false, Math.min(1.0, 1.2 * MAX_HISTOGRAM / n), 1).limit(MAX_HISTOGRAM);
    }
    Map<String, List<Double>> by = new LinkedHashMap<>();
    by.put(good.name(), new ArrayList<>());
    by.put(bad.name(), new ArrayList<>());
    for (Row r : d.collectAsList()) {
      by.get(r.getString(0)).add(r.getDouble(1));
    }
    Map<String, double[]> out = new LinkedHashMap<>();
    by.forEach((k, v) -> out.put(k, v.stream().mapToDouble(Double::doubleValue).toArray()));
    return out;
  }

  /** Images that could not be checked: no distance, a reason instead. */
  private void undecided(AuditReport page, Dataset<Row> decided, Audit audit, String where) {
    Dataset<Row> failed = decided.filter(not(col("decision").isin(audit.good.name(),
        audit.bad.name())).or(col("distance").isNull()));
    long total = failed.count();
    List<Item> items = new ArrayList<>();
    for (Row x : failed.orderBy("decision", "event_id", "image_path").limit(cap)
        .collectAsList()) {
      String decision = x.getAs("decision");
      List<String> lines = new ArrayList<>();
      if (x.getAs("error") != null) {
        lines.add(x.getAs("error"));
      }
      photos.pathLine(x, lines);
      // an image that could not be read is not read again for its thumbnail
      List<Photo> ps = List.of(decision.equals(FaceStatus.BAD_IMAGE.name())
          || decision.equals(FaceStatus.BAD_ROW.name())
          ? new Photo("probe", null, "not readable") : photos.probe(x));
      Object claimed = Arrays.asList(x.schema().fieldNames()).contains("claimed_id")
          ? x.getAs("claimed_id") : null;
      items.add(new Item(decision + " · " + x.getAs("event_id")
          + (claimed != null ? " · claims " + claimed : ""), lines, ps, "failed"));
    }
    page.cards("Not checked", "failed", "Events with no decision on a face: the image could "
        + "not be read, held no face (or several), the line was malformed, or the claimed id "
        + "is not enrolled.", items, total, where);
  }

  /** The candidates of an identify row, or of verify's nearest search. */
  static List<Row> candidates(Row x) {
    int i = x.fieldIndex("candidates");
    return x.isNullAt(i) ? List.of() : x.getList(i);
  }

  /** The residents named by {@code column} of the rows, nulls left out. */
  static Set<String> named(List<Row> rows, String... columns) {
    Set<String> ids = new LinkedHashSet<>();
    for (Row x : rows) {
      for (String c : columns) {
        if (x.getAs(c) != null) {
          ids.add(x.getAs(c));
        }
      }
    }
    return ids;
  }
}
