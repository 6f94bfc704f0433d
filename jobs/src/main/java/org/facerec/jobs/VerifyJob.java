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
import org.facerec.config.FaceConfig;
import org.facerec.config.VerifyConfig;
import org.facerec.io.Inputs;
import org.facerec.io.ResidentsTable;
import org.facerec.learn.PairHead;
import org.facerec.match.Decision;
import org.facerec.match.Distances;
import org.facerec.pipeline.FaceStatus;
import org.facerec.spark.Embeddings;
import org.facerec.spark.Matches;
import org.facerec.stage.Matching;

/**
 * 1:1 verification, in bulk: for each badge event (image, claimed id) the distance to the claimed
 * resident (their nearest enrolled photo, or their mean encoding) decides ACCEPT (strictly below
 * the threshold) or REJECT. With the rank rule on, an event is also rejected when another
 * resident is nearer to the probe than the claimed one by more than the margin: that catches an
 * enrolled impostor whatever the threshold. All of it is joins, not a loop on the driver: the
 * probes encoded, joined to the claimed residents' encodings and to their nearest residents
 * ({@link Matching}), decided, written ({@link EventOutputs}), reported.
 */
public final class VerifyJob {
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
      .add("face_score", DataTypes.FloatType, true)
      .add(ResidentsTable.VERSION_COLUMN, DataTypes.LongType, true);

  /** The output columns; with a head, also p_same and p_threshold ({@link Heads#schema}). */
  public static StructType output(boolean head) {
    return head ? Heads.schema(OUTPUT) : OUTPUT;
  }

  /**
   * @param asOf the residents table's version or time to match against (null: the latest)
   * @param history a Delta table the rows are also written to, by day (null: none)
   */
  public record Request(String events, String imagesRoot, String table, String out, String asOf,
      String history) {}

  private VerifyJob() {}

  public static Summary run(Run run, Request req) throws IOException {
    EventOutputs outputs = EventOutputs.verify(req.out());
    VerifyConfig rules = run.config().verify();
    PairHead head = run.config().model().head();
    ResidentsTable.Snapshot snapshot = ResidentsTable.usable(run.tables(), req.table(),
        run.model().id(), req.asOf());
    Dataset<Row> residents = snapshot.rows();
    Dataset<Row> events = Inputs.readCsv(run.spark(), req.events(), "events CSV",
        List.of("event_id", "image_path", "claimed_id"), List.of(), "image_path",
        req.imagesRoot());
    Dataset<Row> probes = run.encode(events, FaceConfig.VERIFY, null).cache();
    long total = probes.count();
    Dataset<Row> decided = withNearest(run, withClaimed(probes, residents), probes, residents)
        .map(new Decide(run.threshold(), rules.rankMargin(), rules.againstMean(),
            run.model().id(), head, snapshot.version()), Encoders.row(output(head != null)))
        .orderBy("event_id", "image_path").cache();

    outputs.write(run.tables(), decided);
    Map<String, String> facts = run.facts();
    facts.put("residents table", snapshot.describe(req.table()));
    if (req.history() != null) {
      facts.put("history",
          outputs.writeHistory(run, req.history(), decided, req.events()).description());
    }
    if (head != null) {
      facts.put("decided by", head.kind().label() + " head: " + Heads.rule(head));
    } else {
      facts.put("threshold", String.format(Locale.ROOT, "%.4f (distance < threshold accepts)",
          run.threshold()));
    }
    facts.put("compared against", rules.againstMean() ? "the claimed resident's mean encoding"
        : "the claimed resident's nearest enrolled photo");
    facts.put("rank rule", rules.rankRule() ? String.format(Locale.ROOT,
        "on: REJECT when another resident is nearer by more than %.3f", rules.rankMargin())
        : "off");
    facts.put("output", outputs.csv() + ", " + outputs.parquet());
    facts.put("report", outputs.report());
    Summary s = new Summary("verify", Summary.countBy(decided, "decision"), total,
        run.elapsedSeconds(), facts);
    Map<String, String> inputs = new LinkedHashMap<>();
    inputs.put("events", req.events());
    inputs.put("residents table", req.table());
    run.reports(residents).verify(s.forReport(inputs, run.startedAt()), decided, probes,
        rules.rankMargin(), outputs.reportFiles());
    return s;
  }

  /** The probes with the claimed resident's encodings, gathered ({@code claimed_embeddings}). */
  private static Dataset<Row> withClaimed(Dataset<Row> probes, Dataset<Row> residents) {
    Dataset<Row> claimed = residents.groupBy("resident_id")
        .agg(collect_list(col("embedding")).as("claimed_embeddings"));
    return probes.join(claimed, probes.col("claimed_id").equalTo(claimed.col("resident_id")),
        "left").drop(claimed.col("resident_id"));
  }

  /**
   * With the rank rule on, each event's two nearest residents ({@code candidates}), for the
   * nearest other than the claimed one; else no candidates.
   */
  private static Dataset<Row> withNearest(Run run, Dataset<Row> withClaim, Dataset<Row> probes,
      Dataset<Row> residents) {
    if (!run.config().verify().rankRule()) {
      return withClaim.withColumn("candidates", lit(null).cast(
          DataTypes.createArrayType(Matches.CANDIDATE)));
    }
    Dataset<Row> ok = probes.filter(col("status").equalTo(FaceStatus.OK.name()));
    Dataset<Row> nearest = Matching.nearest(run.config().identify(),
        ok.select(col("event_id").as("probe_key"), col("embedding")), residents, 2,
        run.model().embeddingSize());
    return withClaim.join(nearest, withClaim.col("event_id").equalTo(nearest.col("probe_key")),
        "left").drop("probe_key");
  }

  /** One event's decision from its probe row, the claimed encodings and the nearest residents. */
  static final class Decide implements MapFunction<Row, Row> {
    private static final long serialVersionUID = 1L;
    private final double threshold;
    private final double margin;
    private final boolean mean;
    private final String modelId;
    private final PairHead head;
    private final Long residentsVersion;

    /** @param head the head that decides (null: the distance threshold) */
    Decide(double threshold, double margin, boolean mean, String modelId, PairHead head,
        Long residentsVersion) {
      this.threshold = threshold;
      this.margin = margin;
      this.mean = mean;
      this.modelId = modelId;
      this.head = head;
      this.residentsVersion = residentsVersion;
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
        return row(eventId, claimedId, path, null, null, status, r.getAs("error"), null, null,
            null, box, score);
      }
      List<?> claimed = r.isNullAt(r.fieldIndex("claimed_embeddings")) ? null
          : r.getList(r.fieldIndex("claimed_embeddings"));
      if (claimed == null || claimed.isEmpty()) {
        return row(eventId, claimedId, path, null, null, Decision.UNKNOWN_CLAIM.name(),
            "no resident '" + claimedId + "' is enrolled with a usable photo", null, null, null,
            box, score);
      }
      float[] probe = Embeddings.of(r, r.fieldIndex("embedding"));
      List<float[]> encodings = new ArrayList<>();
      for (Object o : claimed) {
        encodings.add(Embeddings.of(o));
      }
      double distance = claimDistance(probe, encodings);
      // the head's log-odds: of the mean encoding, or the most alike of the photos (as min)
      double logit = head == null ? Double.NaN : mean ? head.logit(probe, mean(encodings))
          : encodings.stream().mapToDouble(e -> head.logit(probe, e)).max().orElseThrow();
      Double pSame = head == null ? null : PairHead.sigmoid(logit);
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
      if (head != null) {
        if (!(logit >= PairHead.logit(head.pThreshold()))) {
          why.add(Heads.why(head, false, pSame, distance));
        }
      } else if (!(distance < threshold)) {
        why.add(String.format(Locale.ROOT, "distance %.4f is not below the threshold %.4f",
            distance, threshold));
      }
      if (nearestDistance != null && nearestDistance < distance - margin) {
        why.add(String.format(Locale.ROOT, "resident %s is nearer (%.4f) than the claimed %s "
            + "(%.4f)", nearestId, nearestDistance, claimedId, distance));
      }
      String decision = (why.isEmpty() ? Decision.ACCEPT : Decision.REJECT).name();
      String reason = !why.isEmpty() ? String.join("; ", why)
          : head != null ? Heads.why(head, true, pSame, distance)
          : String.format(Locale.ROOT, "distance %.4f is below the threshold %.4f", distance,
              threshold);
      return row(eventId, claimedId, path, distance, pSame, decision, null, nearestId,
          nearestDistance, reason, box, score);
    }

    private static float[] mean(List<float[]> encodings) {
      float[] m = new float[encodings.get(0).length];
      for (float[] e : encodings) {
        for (int i = 0; i < m.length; i++) {
          m[i] += e[i] / encodings.size();
        }
      }
      return m;
    }

    private double claimDistance(float[] probe, List<float[]> encodings) {
      if (mean) {
        return Distances.l2(probe, mean(encodings));
      }
      double best = Double.POSITIVE_INFINITY;
      for (float[] e : encodings) {
        best = Math.min(best, Distances.l2(probe, e));
      }
      return best;
    }

    private Row row(String eventId, String claimedId, String path, Double distance,
        Double pSame, String decision, Object error, String nearestId, Double nearestDistance,
        String reason, Object box, Object score) {
      if (head != null) {
        return RowFactory.create(eventId, claimedId, path, distance, pSame, threshold,
            head.pThreshold(), decision, modelId, error, nearestId, nearestDistance, reason, box,
            score, residentsVersion);
      }
      return RowFactory.create(eventId, claimedId, path, distance, threshold, decision, modelId,
          error, nearestId, nearestDistance, reason, box, score, residentsVersion);
    }
  }
}
