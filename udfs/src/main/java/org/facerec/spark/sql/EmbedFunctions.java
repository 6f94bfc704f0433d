package org.facerec.spark.sql;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import org.apache.spark.TaskContext;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.api.java.UDF1;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.facerec.pipeline.FacePipeline;
import org.facerec.pipeline.FaceResult;
import org.facerec.pipeline.FaceStatus;
import org.facerec.spark.EncodePartition;
import org.facerec.spark.ImageFiles;
import org.facerec.spark.TaskPipelines;
import org.facerec.spark.sql.SqlFunctions.Arg;
import org.facerec.spark.sql.SqlFunctions.Call;

/**
 * {@code face_embed(content)} and {@code face_embed_result(content)}: image bytes through the
 * jobs' {@link FacePipeline} (detection, alignment, mirror averaging as configured), one image
 * per forward pass since a SQL function sees one row at a time. The weights are broadcast once
 * per registration ({@link FaceFunctions.Setup#pipelines}), the networks built once per executor
 * JVM, and each task keeps one pipeline.
 */
final class EmbedFunctions {
  /** face_embed_result's struct: the encoding columns of the jobs, without the hash. */
  static final StructType RESULT;

  static {
    List<StructField> fields = new ArrayList<>();
    for (StructField f : EncodePartition.COLUMNS.fields()) {
      if (!f.name().equals("content_sha256")) {
        fields.add(f);
      }
    }
    RESULT = new StructType(fields.toArray(new StructField[0]));
  }

  private static final DataType ENCODING = DataTypes.createArrayType(DataTypes.FloatType);
  private final Supplier<FaceFunctions.Setup> setup;

  EmbedFunctions(Supplier<FaceFunctions.Setup> setup) {
    this.setup = setup;
  }

  /** {@code face_embed}, or with {@code result} {@code face_embed_result}. */
  Call embed(List<Arg> args, boolean result) {
    String name = result ? "face_embed_result" : "face_embed";
    Args.arity(name, args, 1, 1);
    Args.bytes(name, args, 0);
    return SqlFunctions.call(name, functions.udf(new Embed(setup.get().pipelines(), result,
        name), result ? RESULT : ENCODING), args);
  }

  /** face_embed's function: one image through a pipeline kept for the task. */
  static final class Embed implements UDF1<byte[], Object> {
    private static final long serialVersionUID = 1L;
    private final TaskPipelines pipelines;
    private final boolean result;
    private final String name;
    // per task: a deserialised copy of this function serves one task
    private transient FacePipeline pipeline;
    private transient long attempt = -1;

    Embed(TaskPipelines pipelines, boolean result, String name) {
      this.pipelines = pipelines;
      this.result = result;
      this.name = name;
    }

    @Override
    public Object call(byte[] content) {
      TaskContext tc = TaskContext.get();
      long id = tc == null ? -1 : tc.taskAttemptId();
      if (pipeline == null || id != attempt) {
        pipeline = pipelines.open();
        attempt = id;
      }
      FaceResult out;
      try {
        ImageFiles.Read read = ImageFiles.of(content, pipelines.options().maxBytes());
        out = pipeline.process(new FacePipeline.Input(read.bytes(), read.error(), null));
      } finally {
        if (tc == null) { // on the driver (a local relation): nothing closes it later
          pipeline.close();
          pipeline = null;
        }
      }
      String status = out.status().name();
      if (out.status() != FaceStatus.OK && !result) {
        Values.warn(name, status + ": " + out.error());
      }
      return result ? RowFactory.create(status, out.error(), out.embedding(), out.box(),
          out.score()) : out.embedding();
    }
  }
}
