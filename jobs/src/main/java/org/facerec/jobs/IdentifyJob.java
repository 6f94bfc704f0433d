package org.facerec.jobs;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.concat_ws;

import java.io.IOException;
import java.util.Arrays;
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
import org.facerec.pipeline.FaceStatus;
import org.facerec.spark.Matches;

/**
 * 1:K identification, e.g. a night's access log: the k nearest residents of each camera image,
 * exact; {@code identity} is the nearest resident when strictly below the threshold, else UNKNOWN.
 */
public final class IdentifyJob {
  public static final String MATCH = "MATCH";
  public static final String UNKNOWN = "UNKNOWN";

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
      .add("face_score", DataTypes.FloatType, true);

  /** Probes from a folder ({@code images}) or an access-log CSV ({@code log}). */
  public record Request(String images, String log, String imagesRoot, String table, String out,
      int topK) {}

  private IdentifyJob() {}

  public static Summary run(Run run, Request req) throws IOException {
    AuditReports.check(run);
    Dataset<Row> residents = run.residents(req.table());
    Dataset<Row> inputs;
    if (req.images() != null) {
      List<String> ext = Arrays.asList(run.settings().get(Settings.EXTENSIONS).split(","));
      inputs = Inputs.listImages(run.spark(), req.images(), ext)
          .select(col("relative").as("event_id"), col(Inputs.IMAGE_PATH),
              Run.nullString().as("ts"), col(Inputs.INPUT_ERROR));
    } else {
      Dataset<Row> log = Inputs.readCsv(run.spark(), req.log(), "access log",
          List.of("event_id", "image_path"), List.of("ts"), "image_path", req.imagesRoot());
      inputs = Arrays.asList(log.columns()).contains("ts") ? log
          : log.withColumn("ts", Run.nullString());
      inputs = inputs.select("event_id", Inputs.IMAGE_PATH, "ts", Inputs.INPUT_ERROR);
    }
    // the key must be unique per probe even when event ids repeat: the path makes it so
    Dataset<Row> probes = run.encode(inputs, "identify", null)
        .withColumn("probe_key", concat_ws("\u0000", col("event_id"), col(Inputs.IMAGE_PATH)))
        .cache();
    long total = probes.count();
    Dataset<Row> nearest = Matching.nearest(run,
        probes.filter(col("status").equalTo(FaceStatus.OK.name())), residents, req.topK());
    Dataset<Row> decided = probes
        .join(nearest, probes.col("probe_key").equalTo(nearest.col("probe_key")), "left")
        .drop(nearest.col("probe_key"))
        .map(new Decide(run.threshold(), run.model().id()), Encoders.row(OUTPUT))
        .orderBy("event_id", "image_path").cache();

    run.writeTable(decided, req.out() + "/identify.parquet");
    run.writeCsv(forPeople(decided), req.out() + "/identify.csv");

    Map<String, Long> counts = Summary.countBy(decided, "decision");
    Map<String, String> facts = new LinkedHashMap<>();
    facts.put("model", run.model().id());
    facts.put("faces", run.faces());
    facts.put("threshold", String.format(Locale.ROOT, "%.4f", run.threshold()));
    facts.put("top-k", Integer.toString(req.topK()));
    facts.put("output", req.out() + "/identify.csv, " + req.out() + "/identify.parquet");
    facts.put("report", AuditReports.file(req.out(), "identify"));
    Summary s = new Summary("identify", counts, total, run.elapsedSeconds(), facts);
    AuditReports.identify(run, req, decided, residents, s);
    run.spark().sqlContext().clearCache();
    return s;
  }

  /** The CSV copy: candidates as "id:distance;..." text, no embeddings. */
  static Dataset<Row> forPeople(Dataset<Row> decided) {
    return EnrollJob.forPeople(decided).withColumn("candidates",
        org.apache.spark.sql.functions.expr(
            "array_join(transform(candidates, c -> concat(c.resident_id, ':', "
                + "format_number(c.distance, 4))), ';')"));
  }

  static final class Decide implements MapFunction<Row, Row> {
    private static final long serialVersionUID = 1L;
    private final double threshold;
    private final String modelId;

    Decide(double threshold, String modelId) {
      this.threshold = threshold;
      this.modelId = modelId;
    }

    @Override
    public Row call(Row r) {
      String status = r.getAs("status");
      Object candidates = r.getAs("candidates");
      String identity = null;
      Double distance = null;
      String decision;
      String error = r.getAs("error");
      if (!FaceStatus.OK.name().equals(status)) {
        decision = status;
      } else {
        int ci = r.fieldIndex("candidates");
        List<Row> cs = r.isNullAt(ci) ? List.of() : r.getList(ci);
        if (cs.isEmpty()) {
          decision = UNKNOWN;
          error = "the residents table has no usable encodings";
        } else {
          distance = cs.get(0).getDouble(1);
          boolean match = distance < threshold;
          identity = match ? cs.get(0).getString(0) : UNKNOWN;
          decision = match ? MATCH : UNKNOWN;
        }
      }
      return RowFactory.create(r.getAs("event_id"), r.getAs("image_path"), r.getAs("ts"),
          identity, distance, decision, threshold, modelId, error, candidates,
          r.getAs("embedding"), r.getAs("face_box"), r.getAs("face_score"));
    }
  }
}
