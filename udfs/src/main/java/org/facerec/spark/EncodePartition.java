package org.facerec.spark;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.facerec.pipeline.EncodeOptions;
import org.facerec.pipeline.FacePipeline;
import org.facerec.pipeline.FaceResult;

/**
 * The encoding stage as a Spark partition function: reads the image named in each row, runs a
 * batch at a time through a {@link FacePipeline} and appends the {@link #COLUMNS} to the row. The networks come from the per-JVM {@link ModelHolder}; the
 * task's pipeline is closed when the task completes (not when this method returns: the iterator
 * is lazy). Image bytes never leave the partition.
 */
public final class EncodePartition implements MapPartitionsFunction<Row, Row> {
  private static final long serialVersionUID = 1L;

  /** Columns appended to every input row. */
  public static final StructType COLUMNS = new StructType(new StructField[] {
      DataTypes.createStructField("content_sha256", DataTypes.StringType, true),
      DataTypes.createStructField("status", DataTypes.StringType, false),
      DataTypes.createStructField("error", DataTypes.StringType, true),
      DataTypes.createStructField("embedding",
          DataTypes.createArrayType(DataTypes.FloatType, false), true),
      DataTypes.createStructField("face_box",
          DataTypes.createArrayType(DataTypes.IntegerType, false), true),
      DataTypes.createStructField("face_score", DataTypes.FloatType, true),
  });

  private final TaskPipelines pipelines;
  private final Broadcast<HadoopConf> hadoopConf;
  private final int pathIndex;
  private final int knownShaIndex;

  /**
   * @param pathIndex the input column holding the image path
   * @param knownShaIndex the input column holding the content hash already encoded for this path,
   *     or -1: a row whose content still has that hash comes out {@code UNCHANGED}, not re-encoded
   */
  public EncodePartition(TaskPipelines pipelines, Broadcast<HadoopConf> hadoopConf,
      int pathIndex, int knownShaIndex) {
    this.pipelines = pipelines;
    this.hadoopConf = hadoopConf;
    this.pathIndex = pathIndex;
    this.knownShaIndex = knownShaIndex;
  }

  /** The output schema for an input schema. */
  public static StructType outputSchema(StructType input) {
    StructType out = input;
    for (StructField f : COLUMNS.fields()) {
      out = out.add(f);
    }
    return out;
  }

  @Override
  public Iterator<Row> call(Iterator<Row> rows) {
    FacePipeline pipeline = pipelines.open();
    EncodeOptions options = pipelines.options();
    return new BatchingIterator<Row, Row>(rows, options.batchSize()) {
      @Override
      protected List<Row> process(List<Row> batch) {
        List<FacePipeline.Input> inputs = new ArrayList<>(batch.size());
        for (Row r : batch) {
          ImageFiles.Read read = ImageFiles.read(r.getString(pathIndex), options.maxBytes(),
              hadoopConf.value().get());
          inputs.add(new FacePipeline.Input(read.bytes(), read.error(),
              knownShaIndex >= 0 ? r.getString(knownShaIndex) : null));
        }
        List<FaceResult> results = pipeline.process(inputs);
        List<Row> out = new ArrayList<>(batch.size());
        for (int i = 0; i < batch.size(); i++) {
          out.add(withColumns(batch.get(i), results.get(i)));
        }
        return out;
      }

      @Override
      protected void finished() {
        // in a task the completion listener closes it; outside one (tests, a driver-side
        // call) the end of the rows is the end of its use
        if (TaskContext.get() == null) {
          pipeline.close();
        }
      }
    };
  }

  /** {@code input} with {@link #COLUMNS} from {@code r} appended. */
  private static Row withColumns(Row input, FaceResult r) {
    Object[] values = new Object[input.length() + COLUMNS.size()];
    for (int i = 0; i < input.length(); i++) {
      values[i] = input.get(i);
    }
    int o = input.length();
    values[o] = r.sha256();
    values[o + 1] = r.status().name();
    values[o + 2] = r.error();
    values[o + 3] = r.embedding();
    values[o + 4] = r.box();
    values[o + 5] = r.score();
    return RowFactory.create(values);
  }
}
