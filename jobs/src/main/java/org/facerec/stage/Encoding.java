package org.facerec.stage;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;

import java.io.IOException;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.StructField;
import org.facerec.config.FaceConfig;
import org.facerec.config.ModelConfig;
import org.facerec.detect.FaceFinder;
import org.facerec.io.Inputs;
import org.facerec.model.ModelWeights;
import org.facerec.pipeline.EncodeOptions;
import org.facerec.pipeline.FaceStatus;
import org.facerec.spark.EncodePartition;
import org.facerec.spark.HadoopConf;
import org.facerec.spark.TaskPipelines;

/**
 * The encoding stage, driver side: the model's weights (and the detector's, when faces are
 * detected) read once on the driver and broadcast once, the first time they are needed; the
 * input rows repartitioned and encoded by {@link EncodePartition} on the executors, where the
 * networks are built once per JVM. The jobs encode through {@link #encode}, {@code face_embed}
 * through {@link #pipelines}.
 */
public final class Encoding {
  private final SparkSession spark;
  private final ModelConfig model;
  private final FaceConfig faces;
  private Broadcast<ModelWeights> weights;
  private Broadcast<FaceFinder.Weights> finderWeights;
  private Broadcast<HadoopConf> hadoopConf;

  public Encoding(SparkSession spark, ModelConfig model, FaceConfig faces) {
    this.spark = spark;
    this.model = model;
    this.faces = faces;
  }

  /**
   * Reads, decodes and encodes the image of every input row (which has {@code image_path} and
   * {@code input_error}), with {@code job}'s face policy, appending
   * {@link EncodePartition#COLUMNS}. Rows with an input error are not read: they come out
   * {@code BAD_ROW} with that error. With {@code knownSha} (a column name or null), rows whose
   * content still has that hash come out {@code UNCHANGED} without being decoded.
   */
  public Dataset<Row> encode(Dataset<Row> inputs, String job, String knownSha)
      throws IOException {
    Dataset<Row> good = inputs.filter(col(Inputs.INPUT_ERROR).isNull());
    int partitions = faces.partitions();
    if (partitions <= 0) {
      partitions = 2 * spark.sparkContext().defaultParallelism();
    }
    good = good.repartition(partitions);
    int pathIndex = good.schema().fieldIndex(Inputs.IMAGE_PATH);
    int shaIndex = knownSha == null ? -1 : good.schema().fieldIndex(knownSha);
    Dataset<Row> encoded = good.mapPartitions(
        new EncodePartition(pipelines(faces.encodeOptions(job)), hadoopConf(), pathIndex,
            shaIndex),
        Encoders.row(EncodePartition.outputSchema(good.schema())));

    Dataset<Row> bad = inputs.filter(col(Inputs.INPUT_ERROR).isNotNull());
    for (StructField f : EncodePartition.COLUMNS.fields()) {
      Column c;
      switch (f.name()) {
        case "status":
          c = lit(FaceStatus.BAD_ROW.name());
          break;
        case "error":
          c = col(Inputs.INPUT_ERROR);
          break;
        default:
          c = lit(null).cast(f.dataType());
      }
      bad = bad.withColumn(f.name(), c);
    }
    return encoded.unionByName(bad);
  }

  /** What a task needs to encode with {@code options}: the broadcast weights and the options. */
  public synchronized TaskPipelines pipelines(EncodeOptions options) throws IOException {
    JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
    if (weights == null) {
      weights = jsc.broadcast(model.readWeights());
    }
    if (options.detects() && finderWeights == null) {
      finderWeights = jsc.broadcast(model.readFinderWeights(options.finder()));
    }
    return new TaskPipelines(weights, options.detects() ? finderWeights : null, options,
        model.model().adapter());
  }

  private synchronized Broadcast<HadoopConf> hadoopConf() {
    if (hadoopConf == null) {
      hadoopConf = JavaSparkContext.fromSparkContext(spark.sparkContext())
          .broadcast(new HadoopConf(spark.sparkContext().hadoopConfiguration()));
    }
    return hadoopConf;
  }
}
