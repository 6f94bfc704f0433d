package org.facerec.jobs;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.concat;
import static org.apache.spark.sql.functions.lit;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
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
import org.facerec.spark.Embeddings;

/**
 * Encodings of images as given (no detection): {@code path,e0..e127,status,error}, floats as
 * Java prints them. For people who want to look at encodings, and for checks like the golden test.
 */
public final class EmbedJob {
  public record Request(List<String> inputs, String out) {}

  private EmbedJob() {}

  public static Summary run(Run run, Request req) throws IOException {
    if (run.protection().enabled()) {
      throw new IOException("embed writes encodings to a CSV in clear text, which "
          + Settings.ENCRYPTION + " forbids; use the Parquet tables of enroll or identify");
    }
    List<String> ext = Arrays.asList(run.settings().get(Settings.EXTENSIONS).split(","));
    Dataset<Row> inputs = null;
    for (String in : req.inputs()) {
      Dataset<Row> one;
      Path p = Inputs.qualified(run.spark(), in);
      boolean dir;
      try {
        dir = p.getFileSystem(run.spark().sparkContext().hadoopConfiguration())
            .getFileStatus(p).isDirectory();
      } catch (FileNotFoundException e) {
        dir = false; // a missing file becomes a BAD_IMAGE row, like any unreadable one
      }
      if (dir) {
        String prefix = in.endsWith("/") ? in : in + "/";
        one = Inputs.listImages(run.spark(), in, ext)
            .select(concat(lit(prefix), col("relative")).as("path"), col(Inputs.IMAGE_PATH),
                col(Inputs.INPUT_ERROR));
      } else {
        one = run.spark().createDataFrame(List.of(RowFactory.create(in, p.toString(), null)),
            new StructType().add("path", DataTypes.StringType).add(Inputs.IMAGE_PATH,
                DataTypes.StringType).add(Inputs.INPUT_ERROR, DataTypes.StringType));
      }
      inputs = inputs == null ? one : inputs.unionByName(one);
    }
    Dataset<Row> encoded = run.encode(inputs, "embed", null).cache();
    int dim = run.model().embeddingSize();
    StructType schema = new StructType().add("path", DataTypes.StringType);
    for (int i = 0; i < dim; i++) {
      schema = schema.add("e" + i, DataTypes.StringType);
    }
    schema = schema.add("status", DataTypes.StringType).add("error", DataTypes.StringType);
    Dataset<Row> table = encoded.select("path", "embedding", "status", "error").orderBy("path")
        .map((MapFunction<Row, Row>) r -> {
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
        }, Encoders.row(schema));
    Outputs.writeCsv(table, req.out()); // encodings in clear text: refused above when protected
    Map<String, Long> counts = Summary.countBy(encoded, "status");
    long total = counts.values().stream().mapToLong(Long::longValue).sum();
    Map<String, String> facts = new LinkedHashMap<>();
    facts.put("model", run.model().id());
    facts.put("faces", run.faces());
    facts.put("output", req.out());
    run.spark().sqlContext().clearCache();
    return new Summary("embed", counts, total, run.elapsedSeconds(), facts);
  }

}
