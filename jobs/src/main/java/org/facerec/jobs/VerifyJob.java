package org.facerec.jobs;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.collect_list;
import static org.apache.spark.sql.functions.lit;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.spark.api.java.function.MapFunction;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.facerec.match.Distances;
import org.facerec.pipeline.FaceStatus;
import org.facerec.spark.Embeddings;
import org.facerec.spark.Matches;

/**
 * 1:1 verification, in bulk: for each badge event (image, claimed id) the distance to the claimed
 * resident (their nearest enrolled photo, or their mean encoding) decides ACCEPT (strictly below
 * the threshold) or REJECT. With the rank rule on, an event is also rejected when another
 * resident is nearer to the probe than the claimed one by more than the margin: that catches an
 * enrolled impostor whatever the threshold. All of it is joins, not a loop on the driver.
 */
public final class VerifyJob {
  public static final String ACCEPT = "ACCEPT";
  public static final String REJECT = "REJECT";
  public static final String UNKNOWN_CLAIM = "UNKNOWN_CLAIM";

  /** Output columns, in order. */
  public static final StructType OUTPUT = new StructType()
      .add("event_id", DataTypes.StringType, true)
      .add("claimed_id", DataTypes.StringType, true)
      .add("image_path", DataTypes.StringType, true)
      .add("distance", DataTypes.DoubleType, true)
      .add("threshold", DataTypes.DoubleType, false)
      .add("decision", DataTypes.StringType, false)
      .add("model_id", DataTypes.StringType, false)
      .add("error", DataTypes.StringType, true)
      .add("nearest_id", DataTypes.StringType, true)
      .add("nearest_distance", DataTypes.DoubleType, true)
      .add("reason", DataTypes.StringType, true)
      .add("face_box", DataTypes.createArrayType(DataTypes.IntegerType, false), true)
      .add("face_score", DataTypes.FloatType, true);

  public record Request(String events, String imagesRoot, String table, String out) {}

  private VerifyJob() {}

  public static Summary run(Run run, Request req) throws IOException {
    AuditReports.check(run);
    Dataset<Row> residents = run.residents(req.table());
    Dataset<Row> events = Inputs.readCsv(run.spark(), req.events(), "events CSV",
        List.of("event_id", "image_path", "claimed_id"), List.of(), "image_path",
        req.imagesRoot());
    Dataset<Row> probes = run.encode(events, "verify", null).cache();
    long total = probes.count();

    boolean mean = run.settings().get(Settings.VERIFY_AGAINST).equalsIgnoreCase("mean");
    // the claimed resident's encodings (or their mean), gathered per resident
    Dataset<Row> claimed = residents.groupBy("resident_id")
        .agg(collect_list(col("embedding")).as("claimed_embeddings"));
    Dataset<Row> ok = probes.filter(col("status").equalTo(FaceStatus.OK.name()));

    double margin = run.settings().rankMargin();
    Dataset<Row> withClaim = probes.join(claimed,
        probes.col("claimed_id").equalTo(claimed.col("resident_id")), "left")
        .drop(claimed.col("resident_id"));
    Dataset<Row> joined = withClaim;
    if (!Double.isNaN(margin)) {
      Dataset<Row> nearest = Matching.nearest(run,
          ok.select(col("event_id").as("probe_key"), col("embedding")), residents, 2);
      joined = withClaim.join(nearest,
          withClaim.col("event_id").equalTo(nearest.col("probe_key")), "left")
          .drop("probe_key");
    } else {
      joined = withClaim.withColumn("candidates", lit(null).cast(
          DataTypes.createArrayType(Matches.CANDIDATE)));
    }
    Dataset<Row> decided = joined.map(
        new Decide(run.threshold(), margin, mean, run.model().id()), Encoders.row(OUTPUT))
        .orderBy("event_id", "image_path").cache();

    run.writeTable(decided, req.out() + "/verify.parquet");
    run.writeCsv(EnrollJob.forPeople(decided), req.out() + "/verify.csv");

    Map<String, Long> counts = Summary.countBy(decided, "decision");
    Map<String, String> facts = new LinkedHashMap<>();
    facts.put("model", run.model().id());
    facts.put("faces", run.faces());
    facts.put("threshold", String.format(Locale.ROOT, "%.4f (distance < threshold accepts)",
        run.threshold()));
    facts.put("compared against", mean ? "the claimed resident's mean encoding"
        : "the claimed resident's nearest enrolled photo");
    facts.put("rank rule", Double.isNaN(margin) ? "off" : String.format(Locale.ROOT,
        "on: REJECT when another resident is nearer by more than %.3f", margin));
    facts.put("output", req.out() + "/verify.csv, " + req.out() + "/verify.parquet");
    facts.put("report", AuditReports.file(req.out(), "verify"));
    Summary s = new Summary("verify", counts, total, run.elapsedSeconds(), facts);
    AuditReports.verify(run, req, decided, probes, residents, s);
    run.spark().sqlContext().clearCache();
    return s;
  }

  /** One event's decision from its probe row, the claimed encodings and the nearest residents. */
  static final class Decide implements MapFunction<Row, Row> {
    private static final long serialVersionUID = 1L;
    private final double threshold;
    private final double margin;
    private final boolean mean;
    private final String modelId;

    Decide(double threshold, double margin, boolean mean, String modelId) {
      this.threshold = threshold;
      this.margin = margin;
      this.mean = mean;
      this.modelId = modelId;
    }

    @Override
    public Row call(Row r) {
      String eventId = r.getAs("event_id");
      String claimedId = r.getAs("claimed_id");
      String path = r.getAs("image_path");
      String status = r.getAs("status");
      Object box = r.getAs("face_box");
      Object score = r.getAs("face_score");
      if (!FaceStatus.OK.name().equals(status)) {
        return row(eventId, claimedId, path, null, status, r.getAs("error"), null, null, null,
            box, score);
      }
      List<?> claimed = r.isNullAt(r.fieldIndex("claimed_embeddings")) ? null
          : r.getList(r.fieldIndex("claimed_embeddings"));
      if (claimed == null || claimed.isEmpty()) {
        return row(eventId, claimedId, path, null, UNKNOWN_CLAIM,
            "no resident '" + claimedId + "' is enrolled with a usable photo", null, null, null,
            box, score);
      }
      float[] probe = Embeddings.of(r, r.fieldIndex("embedding"));
      double distance = claimDistance(probe, claimed);
      String nearestId = null;
      Double nearestDistance = null;
      if (!r.isNullAt(r.fieldIndex("candidates"))) {
        for (Object o : r.getList(r.fieldIndex("candidates"))) {
          Row c = (Row) o;
          if (!c.getString(0).equals(claimedId)) {
            nearestId = c.getString(0);
            nearestDistance = c.getDouble(1);
            break;
          }
        }
      }
      List<String> why = new ArrayList<>();
      if (!(distance < threshold)) {
        why.add(String.format(Locale.ROOT, "distance %.4f is not below the threshold %.4f",
            distance, threshold));
      }
      if (nearestDistance != null && nearestDistance < distance - margin) {
        why.add(String.format(Locale.ROOT, "resident %s is nearer (%.4f) than the claimed %s "
            + "(%.4f)", nearestId, nearestDistance, claimedId, distance));
      }
      String decision = why.isEmpty() ? ACCEPT : REJECT;
      String reason = why.isEmpty() ? String.format(Locale.ROOT,
          "distance %.4f is below the threshold %.4f", distance, threshold)
          : String.join("; ", why);
      return row(eventId, claimedId, path, distance, decision, null, nearestId, nearestDistance,
          reason, box, score);
    }

    private double claimDistance(float[] probe, List<?> claimed) {
      List<float[]> encodings = new ArrayList<>();
      for (Object o : claimed) {
        encodings.add(Embeddings.of(o));
      }
      if (mean) {
        float[] m = new float[probe.length];
        for (float[] e : encodings) {
          for (int i = 0; i < m.length; i++) {
            m[i] += e[i] / encodings.size();
          }
        }
        return Distances.l2(probe, m);
      }
      double best = Double.POSITIVE_INFINITY;
      for (float[] e : encodings) {
        best = Math.min(best, Distances.l2(probe, e));
      }
      return best;
    }

    private Row row(String eventId, String claimedId, String path, Double distance,
        String decision, Object error, String nearestId, Double nearestDistance, String reason,
        Object box, Object score) {
      return RowFactory.create(eventId, claimedId, path, distance, threshold, decision, modelId,
          error, nearestId, nearestDistance, reason, box, score);
    }
  }

}
