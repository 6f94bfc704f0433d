package org.facerec.jobs;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.facerec.config.FaceConfig;
import org.facerec.config.InputLimits;
import org.facerec.eval.Pair;
import org.facerec.eval.PairDistances;
import org.facerec.eval.PairsFile;
import org.facerec.image.ImageDecoder;
import org.facerec.image.RgbImage;
import org.facerec.io.Inputs;
import org.facerec.pipeline.FacePipeline;
import org.facerec.pipeline.FaceStatus;
import org.facerec.spark.Embeddings;
import org.facerec.spark.ImageFiles;

/**
 * The labelled images of evaluate and calibrate, each encoded once by the jobs' encoding stage
 * (so the model, alignment and framing settings apply as in enroll or verify) and brought back to
 * the driver (an evaluation set is thousands of images, 512 bytes each), with what came of each:
 * its encoding, or the status and error saying why there is none.
 */
final class EvaluationImages {
  private static final StructType IMAGES = new StructType()
      .add(Inputs.IMAGE_PATH, DataTypes.StringType, false)
      .add("relative", DataTypes.StringType, false)
      .add(Inputs.INPUT_ERROR, DataTypes.StringType, true);

  private EvaluationImages() {}

  /** One image's outcome: its encoding, or null with the status and error saying why. */
  record Encoded(String status, String error, float[] embedding) {
    String reason() {
      return error == null ? status : status + ": " + error;
    }
  }

  /** Labelled pairs, their distances, and the outcome of each image (by path in the pairs). */
  record Verification(List<Pair> pairs, PairDistances distances, Map<String, Encoded> images) {}

  /**
   * Reads the pairs file (through Hadoop's file systems: local, hdfs://, s3a://) and encodes each
   * image it names once, relative to {@code images}.
   */
  static Verification verification(Run run, String pairsFile, String images) throws IOException {
    List<Pair> pairs = PairsFile.parse(pairsFile,
        Inputs.readLines(run.spark(), pairsFile, "pairs file"));
    String root = Inputs.folder(run.spark(), images).toUri().toString();
    Map<String, String> pathOf = new LinkedHashMap<>();
    for (String p : PairsFile.distinctPaths(pairs)) {
      pathOf.put(p, Inputs.resolve(root, p));
    }
    Map<String, Encoded> enc = encode(run, pathOf);
    return new Verification(pairs, PairDistances.of(pairs, p -> enc.get(p).embedding()), enc);
  }

  /** Encodes each image once through the jobs' encoding stage; keyed like {@code pathOf}. */
  static Map<String, Encoded> encode(Run run, Map<String, String> pathOf) throws IOException {
    List<Row> inputs = new ArrayList<>();
    pathOf.forEach((key, path) -> inputs.add(RowFactory.create(path, key, null)));
    Dataset<Row> encoded = run.encode(run.spark().createDataFrame(inputs, IMAGES),
        FaceConfig.EVALUATE, null).select("relative", "status", "error", "embedding");
    Map<String, Encoded> out = new LinkedHashMap<>();
    for (String key : pathOf.keySet()) {
      out.put(key, null);
    }
    for (Row r : encoded.collectAsList()) {
      boolean ok = FaceStatus.OK.name().equals(r.getString(1));
      out.put(r.getString(0), new Encoded(r.getString(1), r.getString(2),
          ok ? Embeddings.of(r, 3) : null));
    }
    out.forEach((key, e) -> {
      if (e == null) {
        throw new IllegalStateException("the encoding stage returned no row for " + key);
      }
    });
    return out;
  }

  /** The failed images, path to reason, sorted. */
  static Map<String, String> failed(Map<String, Encoded> images) {
    Map<String, String> out = new TreeMap<>();
    images.forEach((p, e) -> {
      if (e.embedding() == null) {
        out.put(p, e.reason());
      }
    });
    return out;
  }

  /** How many images came out with each status, by status. */
  static Map<String, Long> statusCounts(Map<String, Encoded> images) {
    Map<String, Long> out = new TreeMap<>();
    images.values().forEach(e -> out.merge(e.status(), 1L, Long::sum));
    return out;
  }

  /**
   * Reads the few images a report shows (the worst errors) again, on the driver, with the jobs'
   * input guards; null (or an exception) for one that cannot be read.
   */
  static Function<String, RgbImage> thumbnails(Run run, String images) throws IOException {
    String root = Inputs.folder(run.spark(), images).toUri().toString();
    Configuration conf = run.spark().sparkContext().hadoopConfiguration();
    InputLimits limits = run.config().inputs();
    FacePipeline decoding = FacePipeline.decodeOnly(limits.maxPixels(), limits.minSide());
    return relative -> {
      ImageFiles.Read read = ImageFiles.read(Inputs.resolve(root, relative), limits.maxBytes(),
          conf);
      ImageDecoder.Decoded d = decoding.decode(
          new FacePipeline.Input(read.bytes(), read.error(), null));
      return d.ok() ? d.image() : null;
    };
  }
}
