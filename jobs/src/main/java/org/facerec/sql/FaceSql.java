package org.facerec.sql;

import static org.apache.spark.sql.functions.col;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Arrays;
import java.util.List;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.facerec.config.FaceConfig;
import org.facerec.config.RunConfig;
import org.facerec.config.Settings;
import org.facerec.io.ModelCheck;
import org.facerec.match.ResidentMatrix;
import org.facerec.model.FaceModel;
import org.facerec.pipeline.FaceStatus;
import org.facerec.spark.TaskPipelines;
import org.facerec.spark.sql.FaceFunctions;
import org.facerec.stage.Encoding;
import org.facerec.stage.Matching;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * facerec's SQL functions ({@link FaceFunctions}) wired into a session with facerec's settings:
 * the model, threshold, models folder and face policy that the jobs use ({@code face_embed}
 * encodes as {@code enroll} does, so that its encodings compare with the residents table's), the
 * jobs' encoding stage for its weights, and the jobs' residents broadcast for
 * {@code face_nearest}.
 */
public final class FaceSql {
  private static final Logger LOG = LoggerFactory.getLogger(FaceSql.class);

  private FaceSql() {}

  /** Registers the functions with the settings the session carries ({@code spark.facerec.*}). */
  public static void register(SparkSession spark) throws IOException {
    register(spark, RunConfig.of(Settings.of(spark)));
  }

  public static void register(SparkSession spark, RunConfig config) {
    FaceFunctions.register(spark, setup(spark, config));
  }

  /** The functions for a session that is being built, set up from it when first used. */
  static FaceFunctions forActiveSession() {
    return new FaceFunctions(() -> {
      SparkSession spark = SparkSession.active();
      try {
        return setup(spark, RunConfig.of(Settings.of(spark)));
      } catch (IOException e) {
        throw new UncheckedIOException("facerec's settings: " + e.getMessage(), e);
      }
    });
  }

  static FaceFunctions.Setup setup(SparkSession spark, RunConfig config) {
    Encoding encoding = new Encoding(spark, config.model(), config.faces());
    return new FaceFunctions.Setup() {
      @Override
      public FaceModel model() {
        return config.model().model().base();
      }

      @Override
      public double threshold() {
        return config.model().threshold();
      }

      @Override
      public Broadcast<ResidentMatrix> residents(String function, String table) {
        return broadcastTable(spark, config, function, table);
      }

      @Override
      public TaskPipelines pipelines() {
        try {
          return encoding.pipelines(config.faces().encodeOptions(FaceConfig.ENROLL));
        } catch (IOException e) {
          throw new UncheckedIOException("face_embed cannot read the model's weights: "
              + e.getMessage(), e);
        }
      }
    };
  }

  /**
   * A table's usable encodings (its OK rows when it has a status), of the configured model and
   * at most {@code facerec.identify.broadcast-max-rows} of them, broadcast.
   */
  private static Broadcast<ResidentMatrix> broadcastTable(SparkSession spark, RunConfig config,
      String function, String table) {
    Dataset<Row> t = spark.table(table);
    List<String> columns = Arrays.asList(t.columns());
    if (!columns.contains("resident_id") || !columns.contains("embedding")) {
      throw new IllegalArgumentException(function + ": table " + table + " has no resident_id "
          + "and embedding columns (columns: " + String.join(", ", columns) + ")");
    }
    if (columns.contains("status")) {
      t = t.filter(col("status").equalTo(FaceStatus.OK.name()));
    }
    t = t.filter(col("embedding").isNotNull());
    String model = config.model().id();
    if (columns.contains(ModelCheck.COLUMN)) {
      try {
        ModelCheck.require(t, table, model, "encodings", m -> "set facerec.model to " + m
            + ", or query a table of " + model);
      } catch (IOException e) {
        throw new IllegalArgumentException(function + ": " + e.getMessage(), e);
      }
    }
    long rows = t.count();
    long max = config.identify().broadcastMaxRows();
    if (rows > max) {
      throw new IllegalArgumentException(function + ": table " + table + " has " + rows
          + " encodings, over the " + max + " it may broadcast; search it with "
          + "facerec identify instead");
    }
    Broadcast<ResidentMatrix> b = Matching.broadcast(t, config.model().model().embeddingSize());
    LOG.info("{}: broadcasting {} encodings of table {}", function, b.value().rows(), table);
    return b;
  }
}
