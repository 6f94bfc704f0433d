package org.facerec.jobs;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;

import java.io.IOException;
import java.util.Arrays;
import java.util.List;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.facerec.detect.FaceFinder;
import org.facerec.detect.FinderSettings;
import org.facerec.model.FaceModel;
import org.facerec.model.ModelWeights;
import org.facerec.pipeline.EncodeOptions;
import org.facerec.pipeline.FaceStatus;
import org.facerec.spark.EncodePartition;
import org.facerec.spark.HadoopConf;
import org.facerec.spark.TaskPipelines;

/**
 * What every job run shares: the session, the settings, the model and its weights (read once on
 * the driver, shipped once as a broadcast), and the encoding stage.
 */
public final class Run {
  private final SparkSession spark;
  private final Settings settings;
  private final FaceModel model;
  private final Protection protection;
  private final Outputs.Commit commit;
  private final long startedAt = System.currentTimeMillis();
  private Broadcast<ModelWeights> weights;
  private Broadcast<FaceFinder.Weights> finderWeights;
  private Broadcast<HadoopConf> hadoopConf;

  public Run(SparkSession spark, Settings settings) {
    this.spark = spark;
    this.settings = settings;
    this.model = settings.model();
    this.protection = new Protection(settings);
    this.commit = Outputs.Commit.parse(settings.get(Settings.OUTPUT_COMMIT, "auto"));
  }

  public SparkSession spark() {
    return spark;
  }

  public Settings settings() {
    return settings;
  }

  public FaceModel model() {
    return model;
  }

  public Protection protection() {
    return protection;
  }

  /** A table facerec wrote, decrypted as the settings say (see {@link Inputs#table}). */
  public Dataset<Row> readTable(String table) throws IOException {
    try {
      return Inputs.table(spark, table, protection.readOptions());
    } catch (java.io.FileNotFoundException e) {
      throw e;
    } catch (Exception e) { // Spark's exceptions are checked, though Java cannot tell
      String why = Outputs.reason(e);
      if (!protection.enabled() && why.contains("encrypted")) {
        why += " (the table is encrypted: set " + Settings.ENCRYPTION + "=true and the KMS "
            + "settings)";
      }
      throw new IOException("cannot read table " + table + ": " + why, e);
    }
  }

  /** Writes a table atomically, its biometric columns encrypted as the settings say. */
  public void writeTable(Dataset<Row> rows, String dest) throws IOException {
    Outputs.writeTable(rows, dest, protection.writeOptions(rows.schema()), commit);
  }

  /** Writes a table's CSV copy for people atomically, without protected columns. */
  public void writeCsv(Dataset<Row> rows, String dest) throws IOException {
    Outputs.writeCsv(protection.redact(rows), dest);
  }

  public double threshold() {
    return settings.threshold(model);
  }

  /** How faces are found, for summaries and reports. */
  public String faces() {
    FinderSettings f = settings.finderSettings();
    if (f == null) {
      return "no detection (align none), framing " + settings.get(Settings.FRAMING);
    }
    return String.format(java.util.Locale.ROOT, "align %s, detector %s (score > %.2f, "
        + "shorter side >= %.0f px), several faces: %s, no face: %s",
        f.alignment().name().toLowerCase(java.util.Locale.ROOT),
        f.detector().name().toLowerCase(java.util.Locale.ROOT), f.minScore(), f.minFaceSize(),
        f.select().name().toLowerCase(java.util.Locale.ROOT).replace('_', '-'),
        f.fallback().name().toLowerCase(java.util.Locale.ROOT).replace('_', '-'));
  }

  public long startedAt() {
    return startedAt;
  }

  public double elapsedSeconds() {
    return (System.currentTimeMillis() - startedAt) / 1000.0;
  }

  private synchronized Broadcast<ModelWeights> weights() throws IOException {
    if (weights == null) {
      ModelWeights w = settings.readWeights();
      weights = JavaSparkContext.fromSparkContext(spark.sparkContext()).broadcast(w);
    }
    return weights;
  }

  private synchronized Broadcast<FaceFinder.Weights> finderWeights(FinderSettings finder)
      throws IOException {
    if (finderWeights == null) {
      FaceFinder.Weights w = settings.readFinderWeights(finder);
      finderWeights = JavaSparkContext.fromSparkContext(spark.sparkContext()).broadcast(w);
    }
    return finderWeights;
  }

  synchronized Broadcast<HadoopConf> hadoopConf() {
    if (hadoopConf == null) {
      hadoopConf = JavaSparkContext.fromSparkContext(spark.sparkContext())
          .broadcast(new HadoopConf(spark.sparkContext().hadoopConfiguration()));
    }
    return hadoopConf;
  }

  /**
   * Reads, decodes and encodes the image of every input row (which has {@code image_path} and
   * {@code input_error}), with {@code job}'s face policy, appending {@link EncodePartition#COLUMNS}. Rows with an input error are
   * not read: they come out {@code BAD_ROW} with that error. With
   * {@code knownSha} (a column name or null), rows whose content still has that hash come out
   * {@code UNCHANGED} without being decoded.
   */
  public Dataset<Row> encode(Dataset<Row> inputs, String job, String knownSha)
      throws IOException {
    EncodeOptions options = settings.encodeOptions(job);
    Dataset<Row> good = inputs.filter(col(Inputs.INPUT_ERROR).isNull());
    int partitions = settings.getInt(Settings.PARTITIONS);
    if (partitions <= 0) {
      partitions = 2 * spark.sparkContext().defaultParallelism();
    }
    good = good.repartition(partitions);
    int pathIndex = good.schema().fieldIndex(Inputs.IMAGE_PATH);
    int shaIndex = knownSha == null ? -1 : good.schema().fieldIndex(knownSha);
    TaskPipelines pipelines = new TaskPipelines(weights(),
        options.detects() ? finderWeights(options.finder()) : null, options);
    Dataset<Row> encoded = good.mapPartitions(
        new EncodePartition(pipelines, hadoopConf(), pathIndex, shaIndex),
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

  /** The OK rows of a residents table, refusing a table made with another model. */
  public Dataset<Row> residents(String table) throws IOException {
    if (Inputs.tableData(spark, table) == null) {
      throw new IOException("residents table " + table + " does not exist (run facerec enroll)");
    }
    Dataset<Row> t = readTable(table);
    List<String> need = List.of("resident_id", "model_id", "embedding", "status");
    if (!Arrays.asList(t.columns()).containsAll(need)) {
      throw new IOException(table + " is not a facerec residents table (it lacks one of "
          + need + ")");
    }
    requireModel(t, table);
    return t.filter(col("status").equalTo(FaceStatus.OK.name()));
  }

  /** Fails unless every row of {@code table} was encoded with this run's model. */
  public void requireModel(Dataset<Row> table, String name) throws IOException {
    List<String> models = table.select("model_id").distinct().as(Encoders.STRING())
        .filter((org.apache.spark.api.java.function.FilterFunction<String>) m -> m != null)
        .collectAsList();
    for (String m : models) {
      if (!m.equals(model.id())) {
        throw new IOException("table " + name + " holds encodings of model " + m
            + ", but this run uses " + model.id() + "; encodings of different models never mix "
            + "(use --model " + m + ", or enrol into a new table)");
      }
    }
  }

  static Column nullString() {
    return lit(null).cast(DataTypes.StringType);
  }
}
