package org.facerec.jobs;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.collect_list;

import java.util.ArrayList;
import java.util.List;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.api.java.function.MapFunction;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.facerec.match.Candidate;
import org.facerec.match.NearestResidents;
import org.facerec.match.ResidentMatrix;
import org.facerec.spark.Embeddings;
import org.facerec.spark.Matches;
import scala.collection.JavaConverters;

/**
 * The 1:K search as a Spark plan: the k nearest residents of every probe, exact. The resident
 * matrix is broadcast when it has at most {@code facerec.identify.broadcast-max-rows} encodings;
 * otherwise probes and residents are packed into blocks, every probe block meets every resident
 * block in a cross join, and the partial top-k lists are merged per probe.
 */
public final class Matching {
  private Matching() {}

  /**
   * @param probes rows (probe_key string, embedding array&lt;float&gt;)
   * @param residents rows (resident_id string, embedding array&lt;float&gt;)
   * @return rows (probe_key, candidates array&lt;struct&lt;resident_id, distance&gt;&gt;)
   */
  public static Dataset<Row> nearest(Run run, Dataset<Row> probes, Dataset<Row> residents, int k) {
    Settings s = run.settings();
    long broadcastMax = s.getLong(Settings.BROADCAST_MAX_ROWS);
    Dataset<Row> res = residents.select("resident_id", "embedding");
    long count = res.count();
    if (count <= broadcastMax) {
      return broadcast(run, probes, res, k);
    }
    return blocked(run, probes, res, k, s.getInt(Settings.BLOCK_ROWS), count);
  }

  static Dataset<Row> broadcast(Run run, Dataset<Row> probes, Dataset<Row> residents, int k) {
    List<String> ids = new ArrayList<>();
    List<float[]> rows = new ArrayList<>();
    for (Row r : residents.collectAsList()) {
      ids.add(r.getString(0));
      rows.add(Embeddings.of(r, 1));
    }
    ResidentMatrix m = ResidentMatrix.of(ids, rows);
    var b = JavaSparkContext.fromSparkContext(run.spark().sparkContext()).broadcast(m);
    return probes.select("probe_key", "embedding")
        .mapPartitions(new Matches.Broadcasted(b, k), Encoders.row(Matches.OUTPUT));
  }

  static Dataset<Row> blocked(Run run, Dataset<Row> probes, Dataset<Row> residents, int k,
      int blockRows, long residentCount) {
    int residentBlocks = (int) Math.max(1, (residentCount + blockRows - 1) / blockRows);
    Dataset<Row> rBlocks = residents.repartition(residentBlocks)
        .mapPartitions(new Matches.Pack(blockRows),
            Encoders.row(Matches.Pack.schema("resident_ids", "resident_data")));
    Dataset<Row> pBlocks = probes.select("probe_key", "embedding")
        .mapPartitions(new Matches.Pack(blockRows),
            Encoders.row(Matches.Pack.schema("probe_keys", "probe_data")));
    Dataset<Row> partial = pBlocks.crossJoin(rBlocks)
        .select("probe_keys", "probe_data", "resident_ids", "resident_data")
        .flatMap(new Matches.Blocked(k), Encoders.row(Matches.OUTPUT));
    return partial.groupBy("probe_key").agg(collect_list(col("candidates")).as("parts"))
        .map((MapFunction<Row, Row>) r -> {
          List<Candidate> all = new ArrayList<>();
          for (Object part : r.getList(1)) {
            for (Object c : JavaConverters.seqAsJavaList((scala.collection.Seq<?>) part)) {
              Row cr = (Row) c;
              all.add(new Candidate(cr.getString(0), cr.getDouble(1)));
            }
          }
          List<Row> merged = new ArrayList<>();
          for (Candidate c : NearestResidents.merge(all, k)) {
            merged.add(RowFactory.create(c.residentId(), c.distance()));
          }
          return RowFactory.create(r.getString(0), JavaConverters.asScalaBuffer(merged).toSeq());
        }, Encoders.row(Matches.OUTPUT));
  }
}
