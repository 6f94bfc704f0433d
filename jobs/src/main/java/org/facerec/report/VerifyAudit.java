package org.facerec.report;

import static org.apache.spark.sql.functions.broadcast;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.greatest;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.when;
import static org.facerec.report.Format.fmt;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.facerec.match.Decision;
import org.facerec.report.AuditReport.Photo;
import org.facerec.spark.Embeddings;

/**
 * verify's audit: every REJECT and every ACCEPT near the threshold, each probe beside the claimed
 * resident's nearest enrolled photo and, for a rejection, the nearest other resident's.
 */
final class VerifyAudit extends AuditReports.Audit {
  private final Dataset<Row> probes;
  private final double rankMargin;
  private Map<String, float[]> probeEncodings = Map.of();

  /** @param rankMargin the rank rule's margin, NaN when it is off */
  VerifyAudit(Dataset<Row> probes, double rankMargin) {
    super("Badge audit: verify", Decision.ACCEPT, Decision.REJECT,
        "every REJECT, and every ACCEPT", "Distance to the claimed resident",
        "Events whose distance is at or right of the review line are listed below; rejections "
            + "by the rank rule can lie left of the threshold.");
    this.probes = probes;
    this.rankMargin = rankMargin;
  }

  @Override
  Dataset<Row> review(Dataset<Row> decided, double threshold, double margin) {
    Column d = col("distance");
    // how far the distances are from flipping the decision: the threshold, or for the rank rule
    // the other resident's distance
    Column flip = Double.isNaN(rankMargin) ? d.minus(lit(threshold))
        : greatest(d.minus(lit(threshold)), d.minus(lit(rankMargin))
            .minus(col("nearest_distance")));
    String accept = Decision.ACCEPT.name();
    return decided
        .filter(col("decision").equalTo(Decision.REJECT.name()).or(col("decision")
            .equalTo(accept).and(d.geq(lit(threshold - margin)))))
        .withColumn("margin", when(col("decision").equalTo(accept),
            lit(threshold).minus(d)).otherwise(flip));
  }

  @Override
  void prepare(List<Row> shown) {
    probeEncodings = embeddings(shown);
  }

  @Override
  Set<String> residents(List<Row> shown) {
    return AuditReports.named(shown, "claimed_id", "nearest_id");
  }

  @Override
  String titleTail(Row x) {
    return " · claims " + x.getAs("claimed_id");
  }

  @Override
  List<Photo> photos(Row x, ReportPhotos photos,
      Map<String, List<ReportPhotos.Enrolled>> enrolled) {
    float[] probe = probeEncodings.get(key(x));
    String claimed = x.getAs("claimed_id");
    List<Photo> ps = new ArrayList<>();
    ps.add(photos.probe(x));
    ps.add(photos.nearest(enrolled, claimed, probe, claimed + " (claimed) "
        + fmt((Number) x.getAs("distance"))));
    String nearest = x.getAs("nearest_id");
    if (nearest != null && x.getAs("decision").equals(Decision.REJECT.name())) {
      ps.add(photos.nearest(enrolled, nearest, probe, nearest + " (nearest) "
          + fmt((Number) x.getAs("nearest_distance"))));
    }
    return ps;
  }

  @Override
  List<String> lines(Row x) {
    List<String> lines = new ArrayList<>();
    lines.add(x.getAs("reason"));
    return lines;
  }

  @Override
  String cardsNote(double margin) {
    return "Every REJECT, and every ACCEPT within " + fmt(margin) + " of the threshold, by "
        + "margin: how far the distances are from flipping the decision (the threshold, or for "
        + "the rank rule the nearer resident), smallest first. Beside each probe: the claimed "
        + "resident's nearest enrolled photo and, for a rejection, the nearest other "
        + "resident's.";
  }

  /** The probes' encodings for the rows shown (verify's output has none), keyed as {@link #key}. */
  private Map<String, float[]> embeddings(List<Row> shown) {
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
}
