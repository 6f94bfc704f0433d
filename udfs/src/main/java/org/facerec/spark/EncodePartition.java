package org.facerec.spark;

import ai.djl.inference.Predictor;
import ai.djl.translate.TranslateException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.util.TaskCompletionListener;
import org.facerec.image.ImageDecoder;
import org.facerec.image.RgbImage;
import org.facerec.model.FaceEncoder;
import org.facerec.model.ModelWeights;

/**
 * Reads, decodes and encodes the image named in each row, a batch at a time, and appends the
 * {@link #COLUMNS} to the row. The model comes from the per-JVM {@link ModelHolder}; the task's
 * predictor is closed when the task completes (not when this method returns: the iterator is lazy).
 * Image bytes never leave the partition.
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

  private final Broadcast<ModelWeights> weights;
  private final Broadcast<HadoopConf> hadoopConf;
  private final EncodeOptions options;
  private final int pathIndex;
  private final int knownShaIndex;

  /**
   * @param pathIndex the input column holding the image path
   * @param knownShaIndex the input column holding the content hash already encoded for this path,
   *     or -1: a row whose content still has that hash comes out {@code UNCHANGED}, not re-encoded
   */
  public EncodePartition(Broadcast<ModelWeights> weights, Broadcast<HadoopConf> hadoopConf,
      EncodeOptions options, int pathIndex, int knownShaIndex) {
    this.weights = weights;
    this.hadoopConf = hadoopConf;
    this.options = options;
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
    return new Batches(rows);
  }

  /** One image's outcome before it becomes a row. */
  private static final class Item {
    final Row input;
    String sha;
    FaceStatus status = FaceStatus.OK;
    String error;
    RgbImage chip;
    int[] box;
    Float score;
    float[] embedding;

    Item(Row input) {
      this.input = input;
    }

    void fail(FaceStatus s, String why) {
      status = s;
      error = why;
      chip = null;
    }
  }

  private final class Batches implements Iterator<Row> {
    private final Iterator<Row> rows;
    private final ImageDecoder decoder = new ImageDecoder(options.maxPixels(), options.minSide());
    private final List<Row> ready = new ArrayList<>();
    private int next;
    private Predictor<RgbImage, float[]> predictor;
    private FaceEncoder encoder;

    Batches(Iterator<Row> rows) {
      this.rows = rows;
    }

    @Override
    public boolean hasNext() {
      if (next < ready.size()) {
        return true;
      }
      ready.clear();
      next = 0;
      if (!rows.hasNext()) {
        closePredictorIfNoTask();
        return false;
      }
      List<Item> batch = new ArrayList<>(options.batchSize());
      while (rows.hasNext() && batch.size() < options.batchSize()) {
        batch.add(prepare(rows.next()));
      }
      encode(batch);
      for (Item it : batch) {
        ready.add(toRow(it));
      }
      return true;
    }

    @Override
    public Row next() {
      if (!hasNext()) {
        throw new NoSuchElementException();
      }
      return ready.get(next++);
    }

    private Item prepare(Row row) {
      Item it = new Item(row);
      ImageFiles.Read read = ImageFiles.read(row.getString(pathIndex), options.maxBytes(),
          hadoopConf.value().get());
      if (read.error() != null) {
        it.fail(FaceStatus.BAD_IMAGE, read.error());
        return it;
      }
      it.sha = sha256(read.bytes());
      if (knownShaIndex >= 0 && it.sha.equals(row.getString(knownShaIndex))) {
        it.status = FaceStatus.UNCHANGED;
        return it;
      }
      ImageDecoder.Decoded decoded = decoder.decode(read.bytes());
      if (!decoded.ok()) {
        it.fail(FaceStatus.BAD_IMAGE, decoded.error());
        return it;
      }
      RgbImage img = decoded.image();
      int size = encoder().faceModel().inputSize();
      it.chip = options.framing().apply(img, size);
      it.box = new int[] {0, 0, img.width(), img.height()};
      return it;
    }

    private void encode(List<Item> batch) {
      List<Item> todo = new ArrayList<>();
      List<RgbImage> chips = new ArrayList<>();
      for (Item it : batch) {
        if (it.chip != null) {
          todo.add(it);
          chips.add(it.chip);
        }
      }
      if (chips.isEmpty()) {
        return;
      }
      try {
        List<float[]> out = predictor().batchPredict(chips);
        for (int i = 0; i < todo.size(); i++) {
          todo.get(i).embedding = out.get(i);
          todo.get(i).chip = null;
        }
      } catch (TranslateException e) {
        throw new IllegalStateException("encoding a batch of " + chips.size() + " failed", e);
      }
    }

    private Row toRow(Item it) {
      Object[] values = new Object[it.input.length() + COLUMNS.size()];
      for (int i = 0; i < it.input.length(); i++) {
        values[i] = it.input.get(i);
      }
      int o = it.input.length();
      values[o] = it.sha;
      values[o + 1] = it.status.name();
      values[o + 2] = it.error;
      values[o + 3] = it.embedding;
      values[o + 4] = it.box;
      values[o + 5] = it.score;
      return RowFactory.create(values);
    }

    private FaceEncoder encoder() {
      if (encoder == null) {
        ModelHolder.configureThreads(options.threads());
        encoder = ModelHolder.encoder(weights.value(), ModelHolder.taskDevice());
      }
      return encoder;
    }

    private Predictor<RgbImage, float[]> predictor() {
      if (predictor == null) {
        predictor = encoder().newPredictor();
        TaskContext tc = TaskContext.get();
        if (tc != null) {
          Predictor<RgbImage, float[]> p = predictor;
          tc.addTaskCompletionListener((TaskCompletionListener) ctx -> p.close());
        }
      }
      return predictor;
    }

    private void closePredictorIfNoTask() {
      if (predictor != null && TaskContext.get() == null) {
        predictor.close();
        predictor = null;
      }
    }
  }

  public static String sha256(byte[] bytes) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
