package org.facerec.jobs;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.concat_ws;

import java.io.IOException;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.api.java.function.MapFunction;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.facerec.config.FaceConfig;
import org.facerec.io.Inputs;
import org.facerec.io.ResidentsTable;
import org.facerec.learn.PairHead;
import org.facerec.match.Decision;
import org.facerec.match.ResidentMatrix;
import org.facerec.pipeline.FaceStatus;
import org.facerec.report.Format;
import org.facerec.spark.Embeddings;
import org.facerec.spark.Matches;
import org.facerec.stage.Matching;

/**
 * 1:K identification, e.g. a night's access log: the k nearest residents of each camera image,
 * exact; {@code identity} is the nearest resident when strictly below the threshold, else UNKNOWN.
 * The steps: the residents table's usable rows, the probes listed or read from the log, encoded,
 * searched ({@link Matching}), decided, written ({@link EventOutputs}), reported.
 */
public final class IdentifyJob {
  public static final StructType OUTPUT = new StructType()
      .add("event_id", DataTypes.StringType, true)
      .add("image_path", DataTypes.StringType, true)
      .add("ts", DataTypes.StringType, true)
      .add("identity", DataTypes.StringType, true)
      .add("distance", DataTypes.DoubleType, true)
      .add("decision", DataTypes.StringType, false)
      .add("threshold", DataTypes.DoubleType, false)
      .add("model_id", DataTypes.StringType, false)
      .add("error", DataTypes.StringType, true)
      .add("candidates", DataTypes.createArrayType(Matches.CANDIDATE, false), true)
      .add("embedding", DataTypes.createArrayType(DataTypes.FloatType, false), true)
      .add("face_box", DataTypes.createArrayType(DataTypes.IntegerType, false), true)
      .add("face_score", DataTypes.FloatType, true)
      .add(ResidentsTable.VERSION_COLUMN, DataTypes.LongType, true);

  /** The output columns; with a head, also p_same and p_threshold ({@link Heads#schema}). */
  public static StructType output(boolean head) {
    return head ? Heads.schema(OUTPUT) : OUTPUT;
  }

  /**
   * Probes from a folder ({@code images}) or an access-log CSV ({@code log}); {@code asOf} and
   * {@code history} as {@link VerifyJob.Request}'s; {@code sinceDays} (with a history): the
   * report's recurring strangers are grouped from the history's UNKNOWN faces of that many
   * days, this run's included, instead of this run's alone.
   */
  public record Request(String images, String log, String imagesRoot, String table,
      String out, String asOf, String history, Integer sinceDays) {}

  private IdentifyJob() {}

  public static Summary run(Run run, Request req) throws IOException {
    EventOutputs outputs = EventOutputs.identify(req.out());
    int k = run.config().identify().topK();
    PairHead head = run.config().model().head();
    ResidentsTable.Snapshot snapshot = ResidentsTable.usable(run.tables(), req.table(),
        run.model().id(), req.asOf());
    Dataset<Row> residents = snapshot.rows();
    // the key must be unique per probe even when event ids repeat: the path makes it so
    Dataset<Row> probes = run.encode(probes(run, req), FaceConfig.IDENTIFY, null)
        .withColumn("probe_key", concat_ws("\u0000", col("event_id"), col(Inputs.IMAGE_PATH)))
        .cache();
    long total = probes.count();
    Dataset<Row> nearest = Matching.nearest(run.config().identify(),
        probes.filter(col("status").equalTo(FaceStatus.OK.name())), residents, k,
        run.model().embeddingSize());
    Dataset<Row> decided = probes
        .join(nearest, probes.col("probe_key").equalTo(nearest.col("probe_key")), "left")
        .drop(nearest.col("probe_key"))
        // the head compares the probe with the nearest resident's photos: with a head, the
        // residents' encodings are broadcast whatever facerec.identify.broadcast-max-rows says
        .map(new Decide(run.threshold(), run.model().id(), snapshot.version(), head,
            head == null ? null : Matching.broadcast(residents, run.model().embeddingSize())),
            Encoders.row(output(head != null)))
        .orderBy("event_id", "image_path").cache();

    outputs.write(run.tables(), decided);
    Map<String, String> facts = run.facts();
    facts.put("residents table", snapshot.describe(req.table()));
    Dataset<Row> strangers = null;
    if (req.history() != null) {
      EventOutputs.HistoryWrite night = outputs.writeHistory(run, req.history(), decided,
          req.images() != null ? req.images() : req.log());
      facts.put("history", night.description());
      if (req.sinceDays() != null) {
        // a re-run of an old night looks back from that night
        LocalDate first = night.lastDay().minusDays(req.sinceDays() - 1L);
        strangers = EventOutputs.unknownBetween(run, req.history(), first, night.lastDay());
        facts.put("strangers grouped over", first + " to " + night.lastDay() + " ("
            + req.history() + ")");
      }
    }
    if (head != null) {
      facts.put("decided by", head.kind().label() + " head, on the nearest resident: "
          + Heads.rule(head));
    } else {
      facts.put("threshold", Format.fmt(run.threshold()));
    }
    facts.put("top-k", Integer.toString(k));
    facts.put("output", outputs.csv() + ", " + outputs.parquet());
    facts.put("report", outputs.report());
    Summary s = new Summary("identify", Summary.countBy(decided, "decision"), total,
        run.elapsedSeconds(), facts);
    Map<String, String> inputs = new LinkedHashMap<>();
    inputs.put(req.images() != null ? "images" : "access log",
        req.images() != null ? req.images() : req.log());
    inputs.put("residents table", req.table());
    run.reports(residents).identify(s.forReport(inputs, run.startedAt()), decided, strangers,
        outputs.reportFiles());
    return s;
  }

  /** The probes: {@code event_id, image_path, ts, input_error} from the folder or the log. */
  private static Dataset<Row> probes(Run run, Request req) throws IOException {
    if (req.images() != null) {
      return Inputs.listImages(run.spark(), req.images(), run.config().inputs().extensions())
          .select(col("relative").as("event_id"), col(Inputs.IMAGE_PATH),
              Run.nullString().as("ts"), col(Inputs.INPUT_ERROR));
    }
    Dataset<Row> log = Inputs.readCsv(run.spark(), req.log(), "access log",
        List.of("event_id", "image_path"), List.of("ts"), "image_path", req.imagesRoot());
    Dataset<Row> withTs = Arrays.asList(log.columns()).contains("ts") ? log
        : log.withColumn("ts", Run.nullString());
    return withTs.select("event_id", Inputs.IMAGE_PATH, "ts", Inputs.INPUT_ERROR);
  }

  /** One probe's decision from its nearest residents. */
  static final class Decide implements MapFunction<Row, Row> {
    private static final long serialVersionUID = 1L;
    private final double threshold;
    private final String modelId;
    private final Long residentsVersion;
    private final PairHead head;
    private final Broadcast<ResidentMatrix> residents;
    private transient Map<String, List<Integer>> rowsOf;

    /**
     * @param head the head that decides (null: the distance threshold)
     * @param residents with a head, the residents' encodings it compares the probe with
     */
    Decide(double threshold, String modelId, Long residentsVersion, PairHead head,
        Broadcast<ResidentMatrix> residents) {
      this.threshold = threshold;
      this.modelId = modelId;
      this.residentsVersion = residentsVersion;
      this.head = head;
      this.residents = residents;
    }

    /**
     * The head's log-odds that the probe shows resident {@code id}: of their most alike photo,
     * as the distance is to their nearest one.
     */
    private double logit(float[] probe, String id) {
      ResidentMatrix m = residents.value();
      if (rowsOf == null) {
        rowsOf = new HashMap<>();
        for (int i = 0; i < m.rows(); i++) {
          rowsOf.computeIfAbsent(m.id(i), x -> new ArrayList<>()).add(i);
        }
      }
      double best = Double.NEGATIVE_INFINITY;
      float[] row = new float[m.dim()];
      for (int i : rowsOf.getOrDefault(id, List.of())) {
        System.arraycopy(m.data(), i * m.dim(), row, 0, m.dim());
        best = Math.max(best, head.logit(probe, row));
      }
      return best;
    }

    @Override
    public Row call(Row r) {
      String status = r.getAs("status");
      Object candidates = r.getAs("candidates");
      String identity = null;
      Double distance = null;
      Double pSame = null;
      String decision;
      String error = r.getAs("error");
      if (!FaceStatus.OK.name().equals(status)) {
        decision = status;
      } else {
        int ci = r.fieldIndex("candidates");
        List<Row> cs = r.isNullAt(ci) ? List.of() : r.getList(ci);
        if (cs.isEmpty()) {
          decision = Decision.UNKNOWN.name();
          error = "the residents table has no usable encodings";
        } else {
          distance = cs.get(0).getDouble(1);
          boolean match;
          if (head != null) {
            double z = logit(Embeddings.of(r, r.fieldIndex("embedding")), cs.get(0).getString(0));
            pSame = PairHead.sigmoid(z);
            match = z >= PairHead.logit(head.pThreshold());
          } else {
            match = distance < threshold;
          }
          identity = match ? cs.get(0).getString(0) : Decision.UNKNOWN.name();
          decision = (match ? Decision.MATCH : Decision.UNKNOWN).name();
        }
      }
      if (head != null) {
        return RowFactory.create(r.getAs("event_id"), r.getAs("image_path"), r.getAs("ts"),
            identity, distance, pSame, decision, threshold, head.pThreshold(), modelId, error,
            candidates, r.getAs("embedding"), r.getAs("face_box"), r.getAs("face_score"),
            residentsVersion);
      }
      return RowFactory.create(r.getAs("event_id"), r.getAs("image_path"), r.getAs("ts"),
          identity, distance, decision, threshold, modelId, error, candidates,
          r.getAs("embedding"), r.getAs("face_box"), r.getAs("face_score"), residentsVersion);
    }
  }
}
