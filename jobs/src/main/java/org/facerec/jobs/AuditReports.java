package org.facerec.jobs;

import static org.apache.spark.sql.functions.broadcast;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.desc;
import static org.apache.spark.sql.functions.greatest;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.min;
import static org.apache.spark.sql.functions.not;
import static org.apache.spark.sql.functions.when;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.facerec.image.ImageDecoder;
import org.facerec.match.Distances;
import org.facerec.match.GreedyClusters;
import org.facerec.pipeline.FacePipeline;
import org.facerec.pipeline.FaceStatus;
import org.facerec.report.AuditReport.Item;
import org.facerec.report.AuditReport.Photo;
import org.facerec.report.AuditReport;
import org.facerec.report.Thumbnails;
import org.facerec.spark.Embeddings;
import org.facerec.spark.ImageFiles;

/**
 * The {@code report.html} that verify and identify write beside their outputs, for the person
 * who audits the run: the decisions that need a human (every rejection, unknown face and image
 * that could not be checked, and every acceptance within {@code facerec.report.margin} of the
 * threshold), most doubtful first, each with the probe photo beside the closest enrolled photos;
 * the distances against the threshold; and for identify the residents seen and the unknown faces
 * grouped. Lists stop at {@code facerec.report.max-items}; thumbnails are made on the driver for
 * the items shown only. Where image paths are encrypted, the report shows neither paths nor
 * photos, as the CSV copies drop those columns.
 */
final class AuditReports {
  /** At most this many UNKNOWN faces are grouped (each is compared with every group). */
  static final int MAX_CLUSTERED = 5000;
  /** At most this many distances are drawn; a larger run's histogram is of a sample. */
  static final int MAX_HISTOGRAM = 200_000;
  /** Enrolled photos shown per identify card: the nearest candidates'. */
  static final int CANDIDATE_PHOTOS = 3;
  /** The jobs whose runs have a report: its file beside their outputs is {@link #file}. */
  static final List<String> JOBS = List.of("verify", "identify");

  private static final Map<String, String> MEANINGS = Map.of(
      VerifyJob.ACCEPT, "the claimed resident: distance below the threshold",
      VerifyJob.REJECT, "not the claimed resident: distance not below the threshold, or "
          + "another resident nearer (rank rule)",
      VerifyJob.UNKNOWN_CLAIM, "nobody is enrolled under the claimed id with a usable photo",
      IdentifyJob.MATCH, "the nearest resident, below the threshold",
      IdentifyJob.UNKNOWN, "nobody enrolled is near enough",
      FaceStatus.BAD_IMAGE.name(), "the image could not be read",
      FaceStatus.BAD_ROW.name(), "the input line is malformed",
      FaceStatus.NO_FACE.name(), "no face was found",
      FaceStatus.MULTIPLE_FACES.name(), "several faces where one is required");

  private final Run run;
  private final double threshold;
  private final double margin;
  private final int cap;
  private final Photos photos;

  private AuditReports(Run run, Dataset<Row> residents) {
    check(run);
    this.run = run;
    this.threshold = run.threshold();
    this.margin = run.settings().getDouble(Settings.REPORT_MARGIN);
    this.cap = run.settings().getInt(Settings.REPORT_MAX_ITEMS);
    this.photos = new Photos(run, residents);
  }

  /** Checks the report settings before a job does any work. */
  static void check(Run run) {
    double m = run.settings().getDouble(Settings.REPORT_MARGIN);
    int c = run.settings().getInt(Settings.REPORT_MAX_ITEMS);
    if (m < 0 || c < 1) {
      throw new IllegalArgumentException(Settings.REPORT_MARGIN + " must be at least 0 and "
          + Settings.REPORT_MAX_ITEMS + " at least 1");
    }
  }

  /**
   * Writes the report of a verify run.
   *
   * @param decided verify's output rows
   * @param probes the encoded events (event_id, image_path, embedding)
   * @param residents the OK rows of the residents table
   */
  static void verify(Run run, VerifyJob.Request req, Dataset<Row> decided, Dataset<Row> probes,
      Dataset<Row> residents, Summary summary) throws IOException {
    AuditReports r = new AuditReports(run, residents);
    Map<String, String> facts = new LinkedHashMap<>();
    facts.put("events", req.events());
    facts.put("residents table", req.table());
    AuditReport page = new AuditReport("Badge audit: verify", r.facts(facts, summary,
        "every REJECT, and every ACCEPT"));
    page.decisions(summary.counts(), MEANINGS);
    page.histogram("Distance to the claimed resident", r.distances(decided, VerifyJob.ACCEPT,
        VerifyJob.REJECT), r.threshold, r.margin, "Events whose distance is at or right of the "
        + "review line are listed below; rejections by the rank rule can lie left of the "
        + "threshold.");

    double rank = run.settings().rankMargin();
    Column d = col("distance");
    // how far the distances are from flipping the decision: the threshold, or for the rank rule
    // the other resident's distance
    Column flip = Double.isNaN(rank) ? d.minus(lit(r.threshold))
        : greatest(d.minus(lit(r.threshold)), d.minus(lit(rank)).minus(col("nearest_distance")));
    Dataset<Row> review = decided
        .filter(col("decision").equalTo(VerifyJob.REJECT).or(col("decision")
            .equalTo(VerifyJob.ACCEPT).and(d.geq(lit(r.threshold - r.margin)))))
        .withColumn("margin", when(col("decision").equalTo(VerifyJob.ACCEPT),
            lit(r.threshold).minus(d)).otherwise(flip));
    long reviewTotal = review.count();
    List<Row> shown = review.orderBy(col("margin"), col("event_id"), col("image_path"))
        .limit(r.cap).collectAsList();
    Map<String, float[]> probeEnc = embeddings(probes, shown);
    Set<String> ids = new LinkedHashSet<>();
    for (Row x : shown) {
      ids.add(x.getAs("claimed_id"));
      if (x.getAs("nearest_id") != null) {
        ids.add(x.getAs("nearest_id"));
      }
    }
    Map<String, List<Enrolled>> enrolled = r.photos.enrolled(ids);
    List<Item> items = new ArrayList<>();
    for (Row x : shown) {
      float[] probe = probeEnc.get(key(x));
      String decision = x.getAs("decision");
      String claimed = x.getAs("claimed_id");
      List<Photo> ps = new ArrayList<>();
      ps.add(r.photos.probe(x));
      ps.add(r.photos.nearest(enrolled, claimed, probe, claimed + " (claimed) "
          + fmt(x.getAs("distance"))));
      String nearest = x.getAs("nearest_id");
      if (nearest != null && decision.equals(VerifyJob.REJECT)) {
        ps.add(r.photos.nearest(enrolled, nearest, probe, nearest + " (nearest) "
            + fmt(x.getAs("nearest_distance"))));
      }
      List<String> lines = new ArrayList<>();
      lines.add("margin " + fmt(x.getAs("margin")) + " · distance " + fmt(x.getAs("distance"))
          + " · threshold " + fmt(r.threshold));
      lines.add(x.getAs("reason"));
      r.photos.pathLine(x, lines);
      items.add(new Item(decision + " · " + x.getAs("event_id") + " · claims " + claimed,
          lines, ps, decision.equals(VerifyJob.ACCEPT) ? "good" : "bad"));
    }
    page.cards("To check", "check", "Every REJECT, and every ACCEPT within " + fmt(r.margin)
        + " of the threshold, by margin: how far the distances are from flipping the decision "
        + "(the threshold, or for the rank rule the nearer resident), smallest first. Beside "
        + "each probe: the claimed resident's nearest enrolled photo and, for a rejection, the "
        + "nearest other resident's." + r.photos.note(), items, reviewTotal,
        "verify.csv and verify.parquet");
    r.undecided(page, decided, VerifyJob.ACCEPT, VerifyJob.REJECT, "verify");
    r.write(page, req.out(), "verify");
  }

  /** Writes the report of an identify run from its output rows (which hold the embeddings). */
  static void identify(Run run, IdentifyJob.Request req, Dataset<Row> decided,
      Dataset<Row> residents, Summary summary) throws IOException {
    AuditReports r = new AuditReports(run, residents);
    Map<String, String> facts = new LinkedHashMap<>();
    facts.put(req.images() != null ? "images" : "access log",
        req.images() != null ? req.images() : req.log());
    facts.put("residents table", req.table());
    AuditReport page = new AuditReport("Camera log: identify", r.facts(facts, summary,
        "every UNKNOWN, and every MATCH"));
    page.decisions(summary.counts(), MEANINGS);
    page.histogram("Distance to the nearest resident", r.distances(decided, IdentifyJob.MATCH,
        IdentifyJob.UNKNOWN), r.threshold, r.margin, "Images at or right of the review line are "
        + "listed below.");

    Column d = col("distance");
    Dataset<Row> review = decided
        .filter(col("decision").equalTo(IdentifyJob.UNKNOWN).and(d.isNotNull())
            .or(col("decision").equalTo(IdentifyJob.MATCH)
                .and(d.geq(lit(r.threshold - r.margin)))))
        .withColumn("margin", when(col("decision").equalTo(IdentifyJob.MATCH),
            lit(r.threshold).minus(d)).otherwise(d.minus(lit(r.threshold))));
    long reviewTotal = review.count();
    List<Row> shown = review.orderBy(col("margin"), col("event_id"), col("image_path"))
        .limit(r.cap).collectAsList();
    Set<String> ids = new LinkedHashSet<>();
    for (Row x : shown) {
      for (Row c : candidates(x)) {
        ids.add(c.getString(0));
      }
    }
    Map<String, List<Enrolled>> enrolled = r.photos.enrolled(ids);
    List<Item> items = new ArrayList<>();
    for (Row x : shown) {
      float[] probe = Embeddings.of(x, x.fieldIndex("embedding"));
      String decision = x.getAs("decision");
      List<Photo> ps = new ArrayList<>();
      ps.add(r.photos.probe(x));
      List<String> names = new ArrayList<>();
      for (Row c : candidates(x)) {
        String label = c.getString(0) + " " + fmt(c.getDouble(1));
        names.add(label);
        if (ps.size() <= CANDIDATE_PHOTOS) {
          ps.add(r.photos.nearest(enrolled, c.getString(0), probe, label));
        }
      }
      List<String> lines = new ArrayList<>();
      lines.add("margin " + fmt(x.getAs("margin")) + " · distance " + fmt(x.getAs("distance"))
          + " · threshold " + fmt(r.threshold));
      lines.add("nearest: " + String.join(", ", names));
      if (x.getAs("ts") != null) {
        lines.add("time " + x.getAs("ts"));
      }
      r.photos.pathLine(x, lines);
      String who = decision.equals(IdentifyJob.MATCH) ? " · " + x.getAs("identity") : "";
      items.add(new Item(decision + " · " + x.getAs("event_id") + who, lines, ps,
          decision.equals(IdentifyJob.MATCH) ? "good" : "bad"));
    }
    page.cards("To check", "check", "Every UNKNOWN, and every MATCH within " + fmt(r.margin)
        + " of the threshold, by margin: how far the distance is from the threshold, smallest "
        + "first. Beside each probe: the nearest photo of each of its nearest residents."
        + r.photos.note(), items, reviewTotal, "identify.csv and identify.parquet");
    r.undecided(page, decided, IdentifyJob.MATCH, IdentifyJob.UNKNOWN, "identify");
    r.residentsSeen(page, decided);
    r.strangers(page, decided);
    r.write(page, req.out(), "identify");
  }

  /** The run's facts: its inputs, then the summary's, then time and throughput. */
  private Map<String, String> facts(Map<String, String> inputs, Summary s, String listed) {
    Map<String, String> f = new LinkedHashMap<>(inputs);
    s.facts().forEach((k, v) -> {
      if (!k.equals("report")) {
        f.put(k, v);
      }
    });
    f.put("listed to check", listed + " within " + fmt(margin) + " of the threshold ("
        + Settings.REPORT_MARGIN + "); at most " + cap + " per list ("
        + Settings.REPORT_MAX_ITEMS + ")");
    f.put("started", DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss z", Locale.ROOT)
        .format(Instant.ofEpochMilli(run.startedAt()).atZone(ZoneId.systemDefault())));
    f.put("time", String.format(Locale.ROOT, "%.1f s", s.seconds()));
    f.put("images", String.format(Locale.ROOT, "%d (%.1f images/s)", s.images(),
        s.imagesPerSecond()));
    return f;
  }

  /** The distances of the two decided outcomes, for the histogram (sampled when huge). */
  private Map<String, double[]> distances(Dataset<Row> decided, String good, String bad) {
    Dataset<Row> d = decided.filter(col("distance").isNotNull()
        .and(col("decision").isin(good, bad))).select("decision", "distance");
    long n = d.count();
    if (n > MAX_HISTOGRAM) {
      d = d.sample(false, Math.min(1.0, 1.2 * MAX_HISTOGRAM / n), 1).limit(MAX_HISTOGRAM);
    }
    Map<String, List<Double>> by = new LinkedHashMap<>();
    by.put(good, new ArrayList<>());
    by.put(bad, new ArrayList<>());
    for (Row r : d.collectAsList()) {
      by.get(r.getString(0)).add(r.getDouble(1));
    }
    Map<String, double[]> out = new LinkedHashMap<>();
    by.forEach((k, v) -> out.put(k, v.stream().mapToDouble(Double::doubleValue).toArray()));
    return out;
  }

  /** Images that could not be checked: no distance, a reason instead. */
  private void undecided(AuditReport page, Dataset<Row> decided, String good, String bad,
      String job) {
    Dataset<Row> failed = decided.filter(not(col("decision").isin(good, bad))
        .or(col("distance").isNull()));
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
        + "is not enrolled.", items, total, job + ".csv and " + job + ".parquet");
  }

  /** Identify: the residents matched, most often seen first. */
  private void residentsSeen(AuditReport page, Dataset<Row> decided) {
    Dataset<Row> seen = decided.filter(col("decision").equalTo(IdentifyJob.MATCH))
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

  /** Identify: the UNKNOWN faces grouped by similarity, a recurring stranger once. */
  private void strangers(AuditReport page, Dataset<Row> decided) {
    Dataset<Row> unknown = decided.filter(col("decision").equalTo(IdentifyJob.UNKNOWN)
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
      items.add(new Item("seen " + g.size() + " times", lines, ps, "bad"));
    }
    long once = groups.size() - recurring.size();
    page.cards("Unknown faces seen more than once", "strangers", total + " UNKNOWN faces"
        + (total > faces.size() ? " (the first " + faces.size() + " by time grouped)" : "")
        + " form " + groups.size() + " groups: " + recurring.size() + " seen more than once, "
        + once + " seen once. A face joins the group whose first face is nearest when that is "
        + "under the threshold (" + fmt(threshold) + "), else starts one.", items,
        recurring.size(), "identify.parquet (decision UNKNOWN; face_distance in facerec query "
        + "compares them)");
  }

  /**
   * {@code OUT/verify-report.html} or {@code OUT/identify-report.html}: named by job, as the jobs
   * often share an output folder.
   */
  static String file(String out, String job) {
    return out + "/" + job + "-report.html";
  }

  private void write(AuditReport page, String out, String job) throws IOException {
    Outputs.writeFile(run.spark(), file(out, job),
        page.page().render().getBytes(StandardCharsets.UTF_8));
  }

  /** The probes' encodings for the rows shown, keyed as {@link #key}. */
  private static Map<String, float[]> embeddings(Dataset<Row> probes, List<Row> shown) {
    List<Row> keys = new ArrayList<>();
    for (Row x : shown) {
      keys.add(RowFactory.create((Object) x.getAs("event_id"), x.getAs("image_path")));
    }
    StructType schema = new StructType().add("k_event", DataTypes.StringType)
        .add("k_path", DataTypes.StringType);
    Dataset<Row> k = probes.sparkSession().createDataFrame(keys, schema);
    Map<String, float[]> out = new HashMap<>();
    for (Row r : probes.join(broadcast(k), probes.col("event_id").eqNullSafe(k.col("k_event"))
        .and(probes.col("image_path").eqNullSafe(k.col("k_path"))))
        .select("event_id", "image_path", "embedding").collectAsList()) {
      if (!r.isNullAt(2)) {
        out.put(key(r), Embeddings.of(r, 2));
      }
    }
    return out;
  }

  private static String key(Row r) {
    return r.getAs("event_id") + "\u0000" + r.getAs("image_path");
  }

  private static List<Row> candidates(Row x) {
    int i = x.fieldIndex("candidates");
    return x.isNullAt(i) ? List.of() : x.getList(i);
  }

  private static String fmt(Object v) {
    return v == null ? "n/a" : String.format(Locale.ROOT, "%.4f", ((Number) v).doubleValue());
  }

  /** An enrolled photo of a resident. */
  record Enrolled(String path, int[] box, float[] embedding) {}

  /**
   * Thumbnails for the report, read on the driver (local files or s3a://) with the job's input
   * guards and cropped to the face box; or why a photo cannot be shown.
   */
  private static final class Photos {
    private final Run run;
    private final Dataset<Row> residents;
    /** Why no photo is shown at all, or null. */
    private final String hidden;
    private final FacePipeline decoding;
    private final Map<String, Photo> made = new HashMap<>();

    Photos(Run run, Dataset<Row> residents) {
      this.run = run;
      this.residents = residents;
      this.hidden = run.protection().columns().contains(Inputs.IMAGE_PATH)
          ? "image paths are encrypted (" + Settings.ENCRYPTION_IMAGE_PATH + "), so the report "
              + "shows neither paths nor photos" : null;
      this.decoding = FacePipeline.decodeOnly(run.settings().getLong(Settings.MAX_PIXELS), 1);
    }

    String note() {
      return hidden == null ? "" : " No photos: " + hidden + ".";
    }

    /** The enrolled photos of {@code ids}: a small filter of the residents table. */
    Map<String, List<Enrolled>> enrolled(Set<String> ids) {
      Map<String, List<Enrolled>> out = new HashMap<>();
      if (ids.isEmpty() || hidden != null) {
        return out;
      }
      boolean paths = Arrays.asList(residents.columns()).contains(Inputs.IMAGE_PATH);
      boolean boxes = Arrays.asList(residents.columns()).contains("face_box");
      Dataset<Row> r = residents.filter(col("resident_id").isin(ids.toArray()));
      for (Row x : r.select(col("resident_id"),
          paths ? col(Inputs.IMAGE_PATH) : lit(null).cast(DataTypes.StringType),
          boxes ? col("face_box") : lit(null), col("embedding")).collectAsList()) {
        out.computeIfAbsent(x.getString(0), k -> new ArrayList<>()).add(new Enrolled(
            x.getString(1), box(x, 2), Embeddings.of(x, 3)));
      }
      return out;
    }

    /** The resident's enrolled photo nearest to the probe. */
    Photo nearest(Map<String, List<Enrolled>> enrolled, String id, float[] probe, String label) {
      if (hidden != null) {
        return new Photo(label, null, hidden);
      }
      Enrolled best = null;
      double bestD = Double.POSITIVE_INFINITY;
      for (Enrolled e : enrolled.getOrDefault(id, List.of())) {
        double d = probe == null ? 0 : Distances.l2(probe, e.embedding());
        if (d < bestD) {
          bestD = d;
          best = e;
        }
      }
      if (best == null) {
        return new Photo(label, null, "no enrolled photo of " + id + " found");
      }
      if (best.path() == null) {
        return new Photo(label, null, "the residents table has no image paths");
      }
      return thumbnail(label, best.path(), best.box());
    }

    Photo probe(Row x) {
      return probe(x, "probe");
    }

    Photo probe(Row x, String label) {
      if (hidden != null) {
        return new Photo(label, null, hidden);
      }
      String path = x.getAs(Inputs.IMAGE_PATH);
      return path == null ? new Photo(label, null, "no image path")
          : thumbnail(label, path, box(x, x.fieldIndex("face_box")));
    }

    void pathLine(Row x, List<String> lines) {
      if (hidden == null && x.getAs(Inputs.IMAGE_PATH) != null) {
        lines.add(x.getAs(Inputs.IMAGE_PATH));
      }
    }

    private Photo thumbnail(String label, String path, int[] box) {
      String key = path + Arrays.toString(box);
      Photo p = made.get(key);
      if (p == null) {
        p = make(path, box);
        made.put(key, p);
      }
      return new Photo(label, p.uri(), p.missing());
    }

    private Photo make(String path, int[] box) {
      try {
        ImageFiles.Read read = ImageFiles.read(path, run.settings().getLong(Settings.MAX_BYTES),
            run.spark().sparkContext().hadoopConfiguration());
        ImageDecoder.Decoded d = decoding.decode(
            new FacePipeline.Input(read.bytes(), read.error(), null));
        if (!d.ok()) {
          return new Photo(null, null, d.error());
        }
        return new Photo(null, Thumbnails.faceDataUri(d.image(), box, AuditReport.THUMBNAIL),
            null);
      } catch (RuntimeException e) { // a photo is not worth failing the report for
        return new Photo(null, null, "cannot read " + path + ": " + Outputs.reason(e));
      }
    }

    private static int[] box(Row x, int i) {
      if (x.isNullAt(i)) {
        return null;
      }
      List<?> b = x.getList(i);
      int[] out = new int[b.size()];
      for (int j = 0; j < out.length; j++) {
        out[j] = ((Number) b.get(j)).intValue();
      }
      return out;
    }
  }
}
