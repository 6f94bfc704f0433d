package org.facerec.stage;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.collect_list;

import java.util.ArrayList;
import java.util.List;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.api.java.function.MapFunction;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.facerec.config.IdentifyConfig;
import org.facerec.match.Candidate;
import org.facerec.match.NearestResidents;
import org.facerec.match.ResidentMatrix;
import org.facerec.spark.Embeddings;
import org.facerec.spark.Matches;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import scala.collection.JavaConverters;

/**
 * The 1:K search, driver side: the Spark plan that finds the k nearest residents of every probe,
 * exact, for identify and verify's rank rule, and the residents matrix broadcast that it and
 * {@code face_nearest} ship. The matrix is broadcast when it has at most
 * {@code facerec.identify.broadcast-max-rows} encodings; otherwise probes and residents are
 * packed into blocks, every probe block meets every resident block in a cross join, and the
 * partial top-k lists are merged per probe. The executor side is udfs' {@link Matches}.
 */
public final class Matching {
  private static final Logger LOG = LoggerFactory.getLogger(Matching.class);

  private Matching() {}

  /**
   * @param probes rows (probe_key string, embedding array&lt;float&gt;)
   * @param residents rows (resident_id string, embedding array&lt;float&gt;)
   * @param dim the encodings' length
   * @return rows (probe_key, candidates array&lt;struct&lt;resident_id, distance&gt;&gt;)
   */
  public static Dataset<Row> nearest(IdentifyConfig search, Dataset<Row> probes,
      Dataset<Row> residents, int k, int dim) {
    Dataset<Row> res = residents.select("resident_id", "embedding");
    long count = res.count();
    if (count <= search.broadcastMaxRows()) {
      Broadcast<ResidentMatrix> b = broadcast(res, dim);
      return probes.select("probe_key", "embedding")
          .mapPartitions(new Matches.Broadcasted(b, k), Encoders.row(Matches.OUTPUT));
    }
    return blocked(probes, res, k, search.blockRows(), count);
  }

  /**
   * The residents' encodings as one matrix, read on the driver and broadcast: rows
   * (resident_id, embedding), those without an id or a usable encoding of {@code dim} values
   * (see {@link Embeddings#problem}) left out with a warning.
   */
  public static Broadcast<ResidentMatrix> broadcast(Dataset<Row> residents, int dim) {
    List<String> ids = new ArrayList<>();
    List<float[]> rows = new ArrayList<>();
    long skipped = 0;
    String why = null;
    for (Row r : residents.select("resident_id", "embedding").collectAsList()) {
      String problem = r.isNullAt(0) ? "no resident id" : Embeddings.problem(r.get(1), dim);
      if (problem != null) {
        skipped++;
        why = problem;
        continue;
      }
      ids.add(r.getString(0));
      rows.add(Embeddings.of(r, 1));
    }
    if (skipped > 0) {
      LOG.warn("left out {} rows of the residents without a usable encoding (e.g. {})", skipped,
          why);
    }
    ResidentMatrix m = ResidentMatrix.of(ids, rows);
    return JavaSparkContext.fromSparkContext(residents.sparkSession().sparkContext())
        .broadcast(m);
  }

  static Dataset<Row> blocked(Dataset<Row> probes, Dataset<Row> residents, int k,
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
