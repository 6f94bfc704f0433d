package org.facerec.jobs;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.concat;
import static org.apache.spark.sql.functions.lit;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.fs.Path;
import org.apache.spark.api.java.function.MapFunction;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.facerec.config.FaceConfig;
import org.facerec.config.Settings;
import org.facerec.io.Inputs;
import org.facerec.io.Outputs;
import org.facerec.spark.Embeddings;

/**
 * Encodings of images as given (no detection): {@code path,e0..e127,status,error}, floats as
 * Java prints them. For people who want to look at encodings, and for checks like the golden test.
 */
public final class EmbedJob {
  public record Request(List<String> inputs, String out) {}

  private EmbedJob() {}

  public static Summary run(Run run, Request req) throws IOException {
    if (run.tables().protection().enabled()) {
      throw new IOException("embed writes encodings to a CSV in clear text, which "
          + Settings.ENCRYPTION + " forbids; use the Parquet tables of enroll or identify");
    }
    Dataset<Row> encoded = run.encode(inputs(run, req.inputs()), FaceConfig.EMBED, null).cache();
    int dim = run.model().embeddingSize();
    Dataset<Row> table = encoded.select("path", "embedding", "status", "error").orderBy("path")
        .map(new AsText(dim), Encoders.row(AsText.schema(dim)));
    Outputs.writeCsv(table, req.out()); // encodings in clear text: refused above when protected
    Map<String, Long> counts = Summary.countBy(encoded, "status");
    long total = counts.values().stream().mapToLong(Long::longValue).sum();
    Map<String, String> facts = run.facts();
    facts.put("output", req.out());
    return new Summary("embed", counts, total, run.elapsedSeconds(), facts);
  }

  /**
   * {@code path, image_path, input_error} of each input: a folder's images (path = the folder
   * as given + the relative path) or the file itself, even when it is missing (it becomes a
   * BAD_IMAGE row, like any unreadable one).
   */
  private static Dataset<Row> inputs(Run run, List<String> paths) throws IOException {
    Dataset<Row> inputs = null;
    for (String in : paths) {
      Dataset<Row> one;
      Path p = Inputs.qualified(run.spark(), in);
      boolean dir;
      try {
        dir = p.getFileSystem(run.spark().sparkContext().hadoopConfiguration())
            .getFileStatus(p).isDirectory();
      } catch (FileNotFoundException e) {
        dir = false;
      }
      if (dir) {
        String prefix = in.endsWith("/") ? in : in + "/";
        one = Inputs.listImages(run.spark(), in, run.config().inputs().extensions())
            .select(concat(lit(prefix), col("relative")).as("path"), col(Inputs.IMAGE_PATH),
                col(Inputs.INPUT_ERROR));
      } else {
        one = run.spark().createDataFrame(List.of(RowFactory.create(in, p.toString(), null)),
            new StructType().add("path", DataTypes.StringType).add(Inputs.IMAGE_PATH,
                DataTypes.StringType).add(Inputs.INPUT_ERROR, DataTypes.StringType));
      }
      inputs = inputs == null ? one : inputs.unionByName(one);
    }
    return inputs;
  }

  /** A row {@code path, embedding, status, error} as text: {@code path, e0..e<dim-1>, ...}. */
  private static final class AsText implements MapFunction<Row, Row> {
    private static final long serialVersionUID = 1L;
    private final int dim;

    AsText(int dim) {
      this.dim = dim;
    }

    static StructType schema(int dim) {
      StructType schema = new StructType().add("path", DataTypes.StringType);
      for (int i = 0; i < dim; i++) {
        schema = schema.add("e" + i, DataTypes.StringType);
      }
      return schema.add("status", DataTypes.StringType).add("error", DataTypes.StringType);
    }

    @Override
    public Row call(Row r) {
      Object[] v = new Object[dim + 3];
      v[0] = r.getString(0);
      if (!r.isNullAt(1)) {
        float[] e = Embeddings.of(r, 1);
        for (int i = 0; i < dim; i++) {
          v[1 + i] = Float.toString(e[i]);
        }
      }
      v[dim + 1] = r.getString(2);
      v[dim + 2] = r.getString(3);
      return RowFactory.create(v);
    }
  }
}
