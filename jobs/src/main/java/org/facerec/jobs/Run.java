package org.facerec.jobs;

import static org.apache.spark.sql.functions.lit;

import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.facerec.config.RunConfig;
import org.facerec.io.Protection;
import org.facerec.io.Tables;
import org.facerec.model.EncodingModel;
import org.facerec.report.AuditReports;
import org.facerec.stage.Encoding;

/**
 * One job run, what its steps share (as OkHttp's {@code RealCall} is one call): the session, the
 * settings as typed records ({@link RunConfig}, validated before the run starts), the run's
 * tables and files ({@link Tables}: read decrypted, written atomically and encrypted), its
 * encoding stage ({@link Encoding}: the weights read once on the driver and broadcast once) and
 * its start time. Closing it uncaches what the run cached, whether it succeeded or not.
 */
public final class Run implements AutoCloseable {
  private final SparkSession spark;
  private final RunConfig config;
  private final Tables tables;
  private final Encoding encoding;
  private final long startedAt = System.currentTimeMillis();

  public Run(SparkSession spark, RunConfig config) {
    this.spark = spark;
    this.config = config;
    this.tables = new Tables(spark, new Protection(config.encryption()), config.commit());
    this.encoding = new Encoding(spark, config.model(), config.faces());
  }

  public SparkSession spark() {
    return spark;
  }

  public RunConfig config() {
    return config;
  }

  public Tables tables() {
    return tables;
  }

  /** The model: base encoder and adapter, if any; its {@code id()} is what tables carry. */
  public EncodingModel model() {
    return config.model().model();
  }

  public double threshold() {
    return config.model().threshold();
  }

  /** A job summary's facts, in order, starting with the model and how faces are found. */
  Map<String, String> facts() {
    Map<String, String> facts = new LinkedHashMap<>();
    facts.put("model", model().id());
    facts.put("faces", faces());
    return facts;
  }

  /** How faces are found, for summaries and reports. */
  public String faces() {
    return config.faces().describe();
  }

  public long startedAt() {
    return startedAt;
  }

  public double elapsedSeconds() {
    return (System.currentTimeMillis() - startedAt) / 1000.0;
  }

  /** See {@link Encoding#encode}; {@code job} names the face policy. */
  public Dataset<Row> encode(Dataset<Row> inputs, String job, String knownSha)
      throws IOException {
    return encoding.encode(inputs, job, knownSha);
  }

  /** The audit reports of this run, against {@code residents} (the OK rows it matched). */
  AuditReports reports(Dataset<Row> residents) {
    return new AuditReports(tables, config.report(), config.inputs(), threshold(), residents,
        config.model().head());
  }

  @Override
  public void close() {
    spark.sqlContext().clearCache();
    tables.close();
  }

  static Column nullString() {
    return lit(null).cast(DataTypes.StringType);
  }
}
