package org.facerec.spark;

import ai.djl.inference.Predictor;
import ai.djl.translate.TranslateException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.util.TaskCompletionListener;
import org.facerec.detect.Detection;
import org.facerec.detect.Face;
import org.facerec.detect.FaceFinder;
import org.facerec.detect.FinderSettings;
import org.facerec.image.Crop;
import org.facerec.image.ImageDecoder;
import org.facerec.image.Resize;
import org.facerec.image.RgbImage;
import org.facerec.model.FaceEncoder;
import org.facerec.model.FaceModel;
import org.facerec.model.ModelWeights;

/**
 * Reads, decodes, finds the face in (or frames) and encodes the image named in each row (or held
 * in it: {@link #ofContent}), a batch at a time, and appends the {@link #COLUMNS} to the row. The
 * model comes from the per-JVM {@link ModelHolder}; the task's predictor is closed when the task
 * completes (not when this method returns: the iterator is lazy).
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
  private final Broadcast<FaceFinder.Weights> finderWeights;
  private final Broadcast<HadoopConf> hadoopConf;
  private final EncodeOptions options;
  private final int pathIndex;
  private final int knownShaIndex;
  /** The column at pathIndex holds the image's bytes, not its path. */
  private final boolean content;

  /**
   * @param finderWeights the detector and landmark weights; null when {@code options} detect no
   *     faces
   * @param pathIndex the input column holding the image path
   * @param knownShaIndex the input column holding the content hash already encoded for this path,
   *     or -1: a row whose content still has that hash comes out {@code UNCHANGED}, not re-encoded
   */
  public EncodePartition(Broadcast<ModelWeights> weights,
      Broadcast<FaceFinder.Weights> finderWeights, Broadcast<HadoopConf> hadoopConf,
      EncodeOptions options, int pathIndex, int knownShaIndex) {
    this(weights, finderWeights, hadoopConf, options, pathIndex, knownShaIndex, false);
  }

  private EncodePartition(Broadcast<ModelWeights> weights,
      Broadcast<FaceFinder.Weights> finderWeights, Broadcast<HadoopConf> hadoopConf,
      EncodeOptions options, int pathIndex, int knownShaIndex, boolean content) {
    if (options.detects() && finderWeights == null) {
      throw new IllegalArgumentException("face detection needs the detector weights");
    }
    this.weights = weights;
    this.finderWeights = finderWeights;
    this.hadoopConf = hadoopConf;
    this.options = options;
    this.pathIndex = pathIndex;
    this.knownShaIndex = knownShaIndex;
    this.content = content;
  }

  /**
   * Encodes the image bytes in the binary column {@code contentIndex} instead of reading a path
   * (what {@code face_embed(content)} does), with the same decoding, face policy and model.
   */
  public static EncodePartition ofContent(Broadcast<ModelWeights> weights,
      Broadcast<FaceFinder.Weights> finderWeights, EncodeOptions options, int contentIndex) {
    return new EncodePartition(weights, finderWeights, null, options, contentIndex, -1, true);
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

  /**
   * The work of one task for a caller that brings its own rows (a SQL function, a row at a
   * time): the model and detector come from the {@link ModelHolder}, the predictor lives until
   * the task ends (or, outside a task, until {@link Worker#close}).
   */
  public Worker worker() {
    return new Worker();
  }

  /** One image's outcome before it becomes a row. */
  private static final class Item {
    final Row input;
    String sha;
    FaceStatus status = FaceStatus.OK;
    String error;
    RgbImage image; // decoded, shrunk to maxSide for detection
    double scale = 1; // original pixels per working pixel
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
      image = null;
      chip = null;
    }
  }

  private final class Batches extends BatchingIterator<Row, Row> {
    private final Worker worker = new Worker();

    Batches(Iterator<Row> rows) {
      super(rows, options.batchSize());
    }

    @Override
    protected List<Row> process(List<Row> rows) {
      return worker.process(rows);
    }

    @Override
    protected void finished() {
      // in a task the completion listener closes the predictor; outside one (tests, a
      // driver-side call) the end of the rows is the end of its use
      if (TaskContext.get() == null) {
        worker.close();
      }
    }
  }

  /** Decodes, finds faces in and encodes batches of rows; see {@link #worker()}. */
  public final class Worker implements AutoCloseable {
    private final ImageDecoder decoder = new ImageDecoder(options.maxPixels(), options.minSide());
    private Predictor<RgbImage, float[]> predictor;
    private FaceEncoder encoder;
    private FaceFinder finder;

    private Worker() {}

    /** The rows with {@link #COLUMNS} appended, in order. */
    public List<Row> process(List<Row> rows) {
      List<Item> batch = new ArrayList<>(rows.size());
      for (Row r : rows) {
        batch.add(prepare(r));
      }
      locateFaces(batch);
      encode(batch);
      List<Row> out = new ArrayList<>(batch.size());
      for (Item it : batch) {
        out.add(toRow(it));
      }
      return out;
    }

    /** Closes the predictor made outside a task (a task's closes when the task ends). */
    @Override
    public void close() {
      if (predictor != null && TaskContext.get() == null) {
        predictor.close();
        predictor = null;
      }
    }

    private Item prepare(Row row) {
      Item it = new Item(row);
      ImageFiles.Read read = content
          ? ImageFiles.of((byte[]) row.get(pathIndex), options.maxBytes())
          : ImageFiles.read(row.getString(pathIndex), options.maxBytes(),
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
      it.box = new int[] {0, 0, img.width(), img.height()};
      if (!options.detects()) {
        it.chip = options.framing().apply(img, encoder().faceModel().inputSize());
        return it;
      }
      int longer = Math.max(img.width(), img.height());
      if (longer > options.maxSide()) {
        it.scale = (double) longer / options.maxSide();
        img = Resize.to(img, (int) Math.round(img.width() / it.scale),
            (int) Math.round(img.height() / it.scale));
      }
      it.image = img;
      return it;
    }

    /** Detection and alignment for the batch's decoded images, under the face policy. */
    private void locateFaces(List<Item> batch) {
      List<Item> todo = new ArrayList<>();
      List<RgbImage> images = new ArrayList<>();
      for (Item it : batch) {
        if (it.image != null) {
          todo.add(it);
          images.add(it.image);
        }
      }
      if (todo.isEmpty()) {
        return;
      }
      FinderSettings all = options.finder().withSelect(FinderSettings.Select.ALL);
      List<List<Face>> found = finder().find(images, all);
      for (int i = 0; i < todo.size(); i++) {
        choose(todo.get(i), found.get(i));
      }
    }

    private void choose(Item it, List<Face> faces) {
      RgbImage img = it.image;
      it.image = null;
      if (faces.isEmpty()) {
        it.fail(FaceStatus.NO_FACE, String.format(Locale.ROOT, "no face found (detector %s, "
            + "minimum score %.2f, minimum size %.0f px)", options.finder().detector(),
            options.finder().minScore(), options.finder().minFaceSize()));
        return;
      }
      if (faces.size() > 1 && options.rejectMultiple()) {
        StringBuilder scores = new StringBuilder();
        for (Face f : faces) {
          scores.append(scores.length() == 0 ? "" : ", ")
              .append(String.format(Locale.ROOT, "%.2f", f.detection().score()));
        }
        it.fail(FaceStatus.MULTIPLE_FACES, faces.size() + " faces found (scores " + scores
            + "); a verification photo must show one");
        return;
      }
      List<Detection> boxes = new ArrayList<>();
      for (Face f : faces) {
        boxes.add(f.detection());
      }
      Detection pick = FaceFinder.select(boxes, options.finder(), img.width(), img.height())
          .get(0);
      Face face = faces.get(boxes.indexOf(pick));
      Detection d = face.detection();
      it.chip = face.chip();
      it.box = new int[] {(int) Math.round(d.x() * it.scale), (int) Math.round(d.y() * it.scale),
          (int) Math.round(d.width() * it.scale), (int) Math.round(d.height() * it.scale)};
      // the whole-image fallback has no detector score: null says so in the row
      it.score = d.source() == Detection.Source.WHOLE_IMAGE ? null : (float) d.score();
    }

    private void encode(List<Item> batch) {
      List<Item> todo = new ArrayList<>();
      List<RgbImage> chips = new ArrayList<>();
      for (Item it : batch) {
        if (it.chip != null) {
          todo.add(it);
          chips.add(it.chip);
          if (options.mirror()) {
            chips.add(Crop.mirror(it.chip));
          }
        }
      }
      if (chips.isEmpty()) {
        return;
      }
      try {
        List<float[]> out = predictor().batchPredict(chips);
        FaceModel model = encoder().faceModel();
        for (int i = 0; i < todo.size(); i++) {
          Item it = todo.get(i);
          it.embedding = options.mirror() ? model.combine(out.get(2 * i), out.get(2 * i + 1))
              : out.get(i);
          it.chip = null;
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

    private FaceFinder finder() {
      if (finder == null) {
        encoder(); // threads first
        finder = ModelHolder.finder(finderWeights.value(), ModelHolder.taskDevice());
      }
      return finder;
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
  }

  public static String sha256(byte[] bytes) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
