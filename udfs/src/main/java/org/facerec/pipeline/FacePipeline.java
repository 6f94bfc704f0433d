package org.facerec.pipeline;

import ai.djl.inference.Predictor;
import ai.djl.translate.TranslateException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.function.Supplier;
import org.facerec.detect.Detection;
import org.facerec.detect.Face;
import org.facerec.detect.FaceFinder;
import org.facerec.detect.FinderSettings;
import org.facerec.detect.Landmarks;
import org.facerec.image.Crop;
import org.facerec.image.ImageDecoder;
import org.facerec.image.Resize;
import org.facerec.image.RgbImage;
import org.facerec.model.Adapter;
import org.facerec.model.FaceEncoder;
import org.facerec.model.FaceModel;
import org.facerec.pipeline.StageTimes.Stage;

/**
 * Image bytes in, a {@link FaceResult} out: hash, decode (with the input guards), shrink for
 * detection, find the face and cut its chip (or frame the whole image), apply the face policy
 * (several faces: keep one or reject), encode (with the mirror average, then the adapter when
 * there is one). The one place where an image becomes an encoding: the Spark stage, the SQL
 * function and evaluate all come here, and so does every driver-side decode (report
 * thumbnails).
 *
 * <p>A pipeline serves one thread at a time (a Spark task): it owns its encoder predictor, made
 * on first use and closed by {@link #close}. The networks themselves come from {@link Models},
 * built once per JVM by whoever holds them, and only when an image needs them: a batch that is
 * all unchanged or unreadable builds nothing.
 */
public final class FacePipeline implements AutoCloseable {

  /** Where the pipeline's networks come from (one per JVM and device, shared). */
  public interface Models {
    FaceEncoder encoder();

    /** The detector and landmark nets; only asked for when the options detect faces. */
    FaceFinder finder();
  }

  /**
   * One image to process.
   *
   * @param bytes the file's content, or null when it could not be read
   * @param readError why there are no bytes
   * @param knownSha256 the content hash already encoded for this image, or null: an image whose
   *     content still has it comes out {@link FaceStatus#UNCHANGED}, not decoded
   */
  public record Input(byte[] bytes, String readError, String knownSha256) {
    public static Input of(byte[] bytes) {
      return new Input(bytes, null, null);
    }
  }

  private final EncodeOptions options;
  private final Models models;
  private final Adapter adapter;
  private final ImageDecoder decoder;
  private Predictor<RgbImage, float[]> predictor;

  public FacePipeline(EncodeOptions options, Models models) {
    this(options, models, null);
  }

  /**
   * A pipeline whose encodings go through {@code adapter} (null: none) after the mirror
   * average, the encodings it was trained on: its results are in the adapter's space, for
   * tables whose {@code model_id} is the adapter's id ({@code EncodingModel#id}).
   */
  public FacePipeline(EncodeOptions options, Models models, Adapter adapter) {
    this.options = options;
    this.models = models;
    this.adapter = adapter;
    this.decoder = new ImageDecoder(options.maxPixels(), options.minSide());
  }

  /**
   * A pipeline that only decodes ({@link #decode}), with these guards: for the few images a
   * driver shows (report thumbnails).
   */
  public static FacePipeline decodeOnly(long maxPixels, int minSide) {
    return new FacePipeline(maxPixels, minSide);
  }

  private FacePipeline(long maxPixels, int minSide) {
    this.options = null;
    this.models = null;
    this.adapter = null;
    this.decoder = new ImageDecoder(maxPixels, minSide);
  }

  public EncodeOptions options() {
    return options;
  }

  /** The image under the input guards, or why there is none (also when it could not be read). */
  public ImageDecoder.Decoded decode(Input input) {
    return input.bytes() == null ? new ImageDecoder.Decoded(null, input.readError())
        : decoder.decode(input.bytes());
  }

  /** One image. */
  public FaceResult process(Input input) {
    return process(List.of(input)).get(0);
  }

  /**
   * The images in order, their faces found and encoded a batch at a time (one forward pass of
   * the encoder for all their chips).
   */
  public List<FaceResult> process(List<Input> inputs) {
    StageTimes.images(inputs.size());
    List<Work> batch = new ArrayList<>(inputs.size());
    for (Input in : inputs) {
      batch.add(prepare(in));
    }
    locateFaces(batch);
    encode(batch);
    List<FaceResult> out = new ArrayList<>(batch.size());
    for (Work w : batch) {
      out.add(new FaceResult(w.sha, w.status, w.error, w.box, w.score, w.landmarks, w.chip,
          w.embedding));
    }
    return out;
  }

  /** Closes the encoder predictor, if one was made. */
  @Override
  public void close() {
    if (predictor != null) {
      predictor.close();
      predictor = null;
    }
  }

  /** One image on its way through the pipeline. */
  private static final class Work {
    String sha;
    FaceStatus status = FaceStatus.OK;
    String error;
    RgbImage image; // decoded, shrunk to maxSide, awaiting detection
    double scale = 1; // original pixels per working pixel
    RgbImage chip;
    int[] box;
    Float score;
    Landmarks landmarks;
    float[] embedding;

    void fail(FaceStatus s, String why) {
      status = s;
      error = why;
      image = null;
      chip = null;
    }
  }

  private Work prepare(Input in) {
    Work w = new Work();
    long t = StageTimes.start();
    if (in.bytes() != null) {
      w.sha = sha256(in.bytes());
      t = StageTimes.add(Stage.HASH, t);
      if (w.sha.equals(in.knownSha256())) {
        w.status = FaceStatus.UNCHANGED;
        return w;
      }
    }
    ImageDecoder.Decoded decoded = decode(in);
    t = StageTimes.add(Stage.DECODE, t);
    if (!decoded.ok()) {
      w.fail(FaceStatus.BAD_IMAGE, decoded.error());
      return w;
    }
    RgbImage img = decoded.image();
    w.box = new int[] {0, 0, img.width(), img.height()};
    if (!options.detects()) {
      w.chip = options.framing().apply(img, models.encoder().faceModel().inputSize());
      StageTimes.add(Stage.CHIP, t);
      return w;
    }
    int longer = Math.max(img.width(), img.height());
    if (longer > options.maxSide()) {
      w.scale = (double) longer / options.maxSide();
      img = Resize.to(img, (int) Math.round(img.width() / w.scale),
          (int) Math.round(img.height() / w.scale));
      StageTimes.add(Stage.RESIZE, t);
    }
    w.image = img;
    return w;
  }

  /** Detection and alignment for the batch's decoded images, under the face policy. */
  private void locateFaces(List<Work> batch) {
    List<Work> todo = new ArrayList<>();
    List<RgbImage> images = new ArrayList<>();
    for (Work w : batch) {
      if (w.image != null) {
        todo.add(w);
        images.add(w.image);
      }
    }
    if (todo.isEmpty()) {
      return;
    }
    models.encoder(); // threads are set as the encoder is got, before any net runs
    FinderSettings all = options.finder().toBuilder().select(FinderSettings.Select.ALL).build();
    List<List<Face>> found = models.finder().find(images, all);
    for (int i = 0; i < todo.size(); i++) {
      choose(todo.get(i), found.get(i));
    }
  }

  private void choose(Work w, List<Face> faces) {
    RgbImage img = w.image;
    w.image = null;
    FinderSettings finder = options.finder();
    if (faces.isEmpty()) {
      w.fail(FaceStatus.NO_FACE, noFace(finder));
      return;
    }
    if (faces.size() > 1 && options.rejectMultiple()) {
      StringBuilder scores = new StringBuilder();
      for (Face f : faces) {
        scores.append(scores.length() == 0 ? "" : ", ")
            .append(String.format(Locale.ROOT, "%.2f", f.detection().score()));
      }
      w.fail(FaceStatus.MULTIPLE_FACES, faces.size() + " faces found (scores " + scores
          + "); a verification photo must show one");
      return;
    }
    List<Detection> boxes = new ArrayList<>();
    for (Face f : faces) {
      boxes.add(f.detection());
    }
    Detection pick = FaceFinder.select(boxes, finder, img.width(), img.height()).get(0);
    Face face = faces.get(boxes.indexOf(pick));
    Detection d = face.detection();
    double s = w.scale;
    w.chip = face.chip();
    w.box = new int[] {(int) Math.round(d.x() * s), (int) Math.round(d.y() * s),
        (int) Math.round(d.width() * s), (int) Math.round(d.height() * s)};
    // the whole-image fallback has no detector score: null says so in the row
    w.score = d.source() == Detection.Source.WHOLE_IMAGE ? null : (float) d.score();
    if (face.landmarks() != null) {
      double[] xy = face.landmarks().xy().clone();
      for (int i = 0; i < xy.length; i++) {
        xy[i] *= s;
      }
      w.landmarks = new Landmarks(xy);
    }
  }

  /** Why an image has no face, for the row: what was tried. */
  static String noFace(FinderSettings f) {
    String tried = f.detector().name().toLowerCase(Locale.ROOT) + (f.secondChances()
        ? " with its second chances (upsampled, padded" + (f.detector()
            == FinderSettings.Detector.HOG
            ? ", turned up to 45 degrees, the SSD on the image and padded" : "") + ")" : "");
    return String.format(Locale.ROOT, "no face found (%s; minimum score %s, minimum size %.0f "
        + "px)", tried, f.minScore(), f.minFaceSize());
  }

  private void encode(List<Work> batch) {
    List<Work> todo = new ArrayList<>();
    List<RgbImage> chips = new ArrayList<>();
    for (Work w : batch) {
      if (w.chip != null) {
        todo.add(w);
        chips.add(w.chip);
        if (options.mirror()) {
          chips.add(Crop.mirror(w.chip));
        }
      }
    }
    if (chips.isEmpty()) {
      return;
    }
    long t = StageTimes.start();
    try {
      List<float[]> out = predictor().batchPredict(chips);
      FaceModel model = models.encoder().faceModel();
      for (int i = 0; i < todo.size(); i++) {
        float[] e = options.mirror()
            ? model.combine(out.get(2 * i), out.get(2 * i + 1)) : out.get(i);
        todo.get(i).embedding = adapter == null ? e : adapter.apply(e);
      }
      StageTimes.add(Stage.ENCODE, t);
    } catch (TranslateException e) {
      throw new IllegalStateException("encoding a batch of " + chips.size() + " failed", e);
    }
  }

  private Predictor<RgbImage, float[]> predictor() {
    if (predictor == null) {
      predictor = models.encoder().newPredictor();
    }
    return predictor;
  }

  /** Hex SHA-256 of {@code bytes}: the content key of every table row. */
  public static String sha256(byte[] bytes) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** A {@link Models} that builds each network on first use through {@code encoder}/{@code finder}. */
  public static Models lazily(Supplier<FaceEncoder> encoder, Supplier<FaceFinder> finder) {
    return new Models() {
      private FaceEncoder e;
      private FaceFinder f;

      @Override
      public FaceEncoder encoder() {
        if (e == null) {
          e = encoder.get();
        }
        return e;
      }

      @Override
      public FaceFinder finder() {
        if (f == null) {
          f = finder.get();
        }
        return f;
      }
    };
  }
}
