package org.facerec.detect;

import ai.djl.Device;
import java.io.IOException;
import java.io.Serializable;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.facerec.image.Resize;
import org.facerec.image.RgbImage;
import org.facerec.image.Rotation;
import org.facerec.model.FaceModel;
import org.facerec.model.ModelWeights;
import org.facerec.pipeline.StageTimes;
import org.facerec.pipeline.StageTimes.Stage;

/**
 * Finds the faces in images and cuts each out for an encoder: the attempts of
 * {@link FinderSettings#attempts} until one finds a face, selection, landmarks, alignment. The
 * detectors and landmark models are built once (per JVM and device, by whoever holds this) and
 * shared; calls are thread-safe.
 *
 * <p>Boxes and landmarks are reported in the pixels of the image given, also when an attempt
 * searched a shrunk or padded copy. Landmarks and chips are cut from the image at the size it
 * was given (padded, for a padded attempt, so that a tight crop's chip continues its edges
 * rather than turning black).
 */
public final class FaceFinder implements AutoCloseable {
  /** Padded and turned images scanned at least this large (longer side, px) are not upsampled. */
  static final int PADDED_UPSAMPLE_BELOW = 400;
  /**
   * The SSD's box as the box dlib's HOG detector draws around the same face, for dlib's shape
   * predictor, which was trained on HOG boxes: {@code (x + X w, y + Y h, W w, H h)}. Least
   * squares over the 1,351 faces that both found alone in a quarter of lfw-dev and in
   * celeba-dev (HOG without upsampling, SSD at 0.5): the SSD's box reaches higher up the
   * forehead. Median overlap (IoU) with the HOG box 0.72 as it is, 0.77 mapped.
   */
  static final double[] SSD_TO_HOG = {0.009, 0.117, 1.041, 0.877};

  private final DlibHogDetector hog = DlibHogDetector.create(0);
  private final SsdMobileNetV1 ssd;
  private final TinyFaceDetector tiny;
  private final FaceLandmarker landmarker;
  private final DlibShapePredictor shapePredictor;

  /** The weights of the networks and of the shape predictor, read once and broadcast. */
  public record Weights(ModelWeights ssd, ModelWeights tiny, ModelWeights landmarks,
      DlibShapePredictor shapePredictor) implements Serializable {
    private static final long serialVersionUID = 2L;

    /** Every model from {@code modelsDir} (face-api.js's TF.js files, dlib's predictor). */
    public static Weights read(Path modelsDir) throws IOException {
      return new Weights(SsdMobileNetV1.readWeights(modelsDir),
          TinyFaceDetector.readWeights(modelsDir), FaceLandmarker.readWeights(modelsDir),
          DlibShapePredictor.fromModelsDir(modelsDir));
    }

    /** Only what {@code settings} use. */
    public static Weights readFor(FinderSettings settings, Path modelsDir) throws IOException {
      boolean aligns = settings.alignment() == FinderSettings.Alignment.LANDMARKS;
      return new Weights(
          settings.uses(FinderSettings.Detector.SSD) ? SsdMobileNetV1.readWeights(modelsDir)
              : null,
          settings.uses(FinderSettings.Detector.TINY) ? TinyFaceDetector.readWeights(modelsDir)
              : null,
          aligns && settings.landmarks() == FinderSettings.Landmarks68.NET
              ? FaceLandmarker.readWeights(modelsDir) : null,
          aligns && settings.landmarks() == FinderSettings.Landmarks68.DLIB
              ? DlibShapePredictor.fromModelsDir(modelsDir) : null);
    }

    /** Checksums of the models, to key a per-JVM cache. */
    public String checksum() {
      return (ssd == null ? "-" : ssd.checksum()) + "/" + (tiny == null ? "-" : tiny.checksum())
          + "/" + (landmarks == null ? "-" : landmarks.checksum()) + "/"
          + (shapePredictor == null ? "-" : shapePredictor.checksum());
    }
  }

  private FaceFinder(SsdMobileNetV1 ssd, TinyFaceDetector tiny, FaceLandmarker landmarker,
      DlibShapePredictor shapePredictor) {
    this.ssd = ssd;
    this.tiny = tiny;
    this.landmarker = landmarker;
    this.shapePredictor = shapePredictor;
  }

  /** Builds the networks whose weights are given, on {@code device}. */
  public static FaceFinder create(Weights weights, Device device) {
    SsdMobileNetV1 ssd = null;
    TinyFaceDetector tiny = null;
    FaceLandmarker landmarker = null;
    try {
      ssd = weights.ssd() == null ? null : SsdMobileNetV1.create(weights.ssd(), device);
      tiny = weights.tiny() == null ? null : TinyFaceDetector.create(weights.tiny(), device);
      landmarker = weights.landmarks() == null ? null
          : FaceLandmarker.create(weights.landmarks(), device);
    } catch (RuntimeException e) {
      closeAll(ssd, tiny, landmarker);
      throw e;
    }
    return new FaceFinder(ssd, tiny, landmarker, weights.shapePredictor());
  }

  /** The detector {@code kind}; fails when its weights were not given. */
  public FaceDetector detector(FinderSettings.Detector kind) {
    FaceDetector d = switch (kind) {
      case HOG -> hog;
      case SSD -> ssd;
      case TINY -> tiny;
    };
    if (d == null) {
      throw new IllegalStateException("no weights were given for the " + kind + " detector");
    }
    return d;
  }

  public FaceLandmarker landmarker() {
    if (landmarker == null) {
      throw new IllegalStateException("no weights were given for the landmark net");
    }
    return landmarker;
  }

  public DlibShapePredictor shapePredictor() {
    if (shapePredictor == null) {
      throw new IllegalStateException("dlib's shape predictor was not given");
    }
    return shapePredictor;
  }

  /** The faces in one image. */
  public List<Face> find(RgbImage image, FinderSettings settings) {
    if (settings.alignment() == FinderSettings.Alignment.NONE) {
      Detection whole = Detection.wholeImage(image.width(), image.height());
      int size = settings.faceModel().inputSize();
      return List.of(new Face(whole, null, Resize.to(image, size, size)));
    }
    for (FinderSettings.Attempt a : settings.attempts()) {
      long t = StageTimes.start();
      Searched view = Searched.of(image, a, settings.scanSide());
      StageTimes.add(Stage.DETECT, t);
      List<Detection> found = select(detect(a, view.image(), settings), settings,
          view.image().width(), view.image().height());
      if (!found.isEmpty()) {
        List<Face> faces = new ArrayList<>(found.size());
        for (Detection d : found) {
          Face f = cut(view.image(), d, a.detector(), settings);
          if (f != null) {
            faces.add(view.inImage(f, image, settings));
          }
        }
        return faces;
      }
    }
    if (settings.fallback() == FinderSettings.Fallback.WHOLE_IMAGE) {
      Face f = cut(image, Detection.wholeImage(image.width(), image.height()), null, settings);
      return f == null ? List.of() : List.of(f);
    }
    return List.of();
  }

  /** The faces in each image, in the order {@code settings.select()} keeps them. */
  public List<List<Face>> find(List<RgbImage> images, FinderSettings settings) {
    List<List<Face>> out = new ArrayList<>(images.size());
    for (RgbImage img : images) {
      out.add(find(img, settings));
    }
    return out;
  }

  /**
   * An attempt's boxes in {@code image}'s pixels. The HOG detector searches a copy shrunk to the
   * scan side; the networks resize to their own input size themselves.
   */
  private List<Detection> detect(FinderSettings.Attempt a, RgbImage image,
      FinderSettings settings) {
    long t = StageTimes.start();
    if (a.detector() != FinderSettings.Detector.HOG) {
      List<Detection> found = detector(a.detector()).detect(image, a.minScore());
      StageTimes.add(Stage.DETECT, t);
      return found;
    }
    int longer = Math.max(image.width(), image.height());
    double scale = Math.min(1.0, (double) settings.scanSide() / longer);
    // the padded look seeks a face that filled the crop, half the padded image: in a scan of
    // PADDED_UPSAMPLE_BELOW px or more it is already twice the window, and doubling would only
    // quadruple the cost on every faceless photo; so do the six turned looks
    int upsample = (a.padded() || a.degrees() != 0) && longer * scale >= PADDED_UPSAMPLE_BELOW
        ? 0 : a.upsample();
    if (scale == 1) {
      List<Detection> found = hog.withUpsample(upsample).detect(image, a.minScore());
      StageTimes.add(Stage.DETECT, t);
      return found;
    }
    RgbImage scan = scaled(image, scale);
    t = StageTimes.add(Stage.RESIZE, t);
    List<Detection> found = hog.withUpsample(upsample).detect(scan, a.minScore());
    StageTimes.add(Stage.DETECT, t);
    double sx = (double) image.width() / scan.width();
    double sy = (double) image.height() / scan.height();
    List<Detection> out = new ArrayList<>(found.size());
    for (Detection d : found) {
      out.add(new Detection(d.x() * sx, d.y() * sy, d.width() * sx, d.height() * sy, d.score(),
          d.source()));
    }
    return out;
  }

  /** {@code image} resized by {@code scale}, each side at least 1 px. */
  private static RgbImage scaled(RgbImage image, double scale) {
    return Resize.to(image, Math.max(1, (int) Math.round(image.width() * scale)),
        Math.max(1, (int) Math.round(image.height() * scale)));
  }

  /** The face in box {@code d} of {@code image} with its chip, or null when none can be cut. */
  private Face cut(RgbImage image, Detection d, FinderSettings.Detector by,
      FinderSettings settings) {
    FaceModel model = settings.faceModel();
    switch (settings.alignment()) {
      case CROP:
        return new Face(d, null, FaceAligner.crop(image, d, model.inputSize(),
            d.source() == Detection.Source.WHOLE_IMAGE ? 0 : settings.cropMargin()));
      case LANDMARKS:
        long t = StageTimes.start();
        Landmarks lm = landmarks(image, d, by, settings);
        t = StageTimes.add(Stage.LANDMARKS, t);
        // null: the box missed the image, so there is no face to cut
        if (lm == null) {
          return null;
        }
        Face face = new Face(d, lm, FaceAligner.chip(image, lm, model));
        StageTimes.add(Stage.CHIP, t);
        return face;
      default:
        throw new IllegalStateException(settings.alignment().toString());
    }
  }

  private Landmarks landmarks(RgbImage image, Detection d, FinderSettings.Detector by,
      FinderSettings settings) {
    if (settings.landmarks() == FinderSettings.Landmarks68.DLIB) {
      Detection box = by == FinderSettings.Detector.HOG || by == null ? d : hogLike(d);
      return shapePredictor().predict(image, DlibRectangle.of(box));
    }
    Landmarks lm = landmarker().detect(image, d);
    for (int pass = 1; pass < settings.landmarkPasses() && lm != null; pass++) {
      Landmarks next = landmarker().detect(image,
          FaceAligner.landmarksBox(lm, d, image.width(), image.height()));
      lm = next != null ? next : lm;
    }
    return lm;
  }

  /** {@link #SSD_TO_HOG} applied to a face-api.js detector's box. */
  static Detection hogLike(Detection d) {
    double[] m = SSD_TO_HOG;
    return new Detection(d.x() + m[0] * d.width(), d.y() + m[1] * d.height(),
        m[2] * d.width(), m[3] * d.height(), d.score(), d.source());
  }

  /** Drops boxes under the minimum size, then keeps what {@code settings.select()} says. */
  public static List<Detection> select(List<Detection> found, FinderSettings settings, int width,
      int height) {
    List<Detection> big = new ArrayList<>();
    for (Detection d : found) {
      if (d.minSide() >= settings.minFaceSize()) {
        big.add(d);
      }
    }
    if (big.size() <= 1 || settings.select() == FinderSettings.Select.ALL) {
      return big;
    }
    Comparator<Detection> order = switch (settings.select()) {
      case BEST_SCORE -> Comparator.comparingDouble(d -> -d.score());
      case LARGEST -> Comparator.comparingDouble(d -> -d.area());
      case NEAREST_CENTRE -> Comparator.comparingDouble(d ->
          Math.hypot(d.centreX() - width / 2.0, d.centreY() - height / 2.0));
      default -> throw new IllegalStateException(settings.select().toString());
    };
    // stable: of equals, the better-scored (earlier) box wins
    return List.of(big.stream().sorted(order).findFirst().orElseThrow());
  }

  /**
   * The image an attempt searched: the image itself; the image padded by {@code margin} pixels
   * on every edge with its edge pixels repeated; or the image turned by {@code rotation} (a copy
   * of it, shrunk first when the turn would not fit the scan: the rotation's source size).
   */
  private record Searched(RgbImage image, int margin, Rotation rotation) {
    static Searched of(RgbImage img, FinderSettings.Attempt a, int scanSide) {
      if (a.padded()) {
        return padded(img);
      }
      if (a.degrees() == 0) {
        return new Searched(img, 0, null);
      }
      // turn a copy shrunk so that the turned image fits the scan: turning the photo itself and
      // shrinking after took 8 of 62 s of finding celeba-dev's faces on one thread
      Rotation whole = Rotation.of(a.degrees(), img.width(), img.height());
      double scale = Math.min(1.0, (double) scanSide / Math.max(whole.width(), whole.height()));
      RgbImage small = scale == 1 ? img : scaled(img, scale);
      Rotation r = Rotation.of(a.degrees(), small.width(), small.height());
      return new Searched(r.apply(small), 0, r);
    }

    static Searched padded(RgbImage img) {
      int m = (int) Math.round(0.5 * Math.max(img.width(), img.height()));
      int w = img.width() + 2 * m;
      int h = img.height() + 2 * m;
      byte[] src = img.rgb();
      byte[] out = new byte[3 * w * h];
      for (int y = 0; y < h; y++) {
        int sy = Math.min(img.height() - 1, Math.max(0, y - m));
        for (int x = 0; x < w; x++) {
          int sx = Math.min(img.width() - 1, Math.max(0, x - m));
          System.arraycopy(src, 3 * (sy * img.width() + sx), out, 3 * (y * w + x), 3);
        }
      }
      return new Searched(new RgbImage(w, h, out), m, null);
    }

    /**
     * {@code f}, found in this view, with its box and landmarks in {@code original}'s pixels. A
     * padded view keeps the chip it cut (it continues a tight crop's edges); a turned view's
     * landmarks cut the chip again from the original, which the turn would otherwise have
     * resampled twice (its box is the upright box around the turned one).
     */
    Face inImage(Face f, RgbImage original, FinderSettings settings) {
      if (rotation != null) {
        Detection d = f.detection();
        double[] p = new double[2];
        double x0 = Double.POSITIVE_INFINITY;
        double y0 = Double.POSITIVE_INFINITY;
        double x1 = Double.NEGATIVE_INFINITY;
        double y1 = Double.NEGATIVE_INFINITY;
        for (int k = 0; k < 4; k++) {
          back(d.x() + (k & 1) * d.width(), d.y() + (k >> 1) * d.height(), original, p);
          x0 = Math.min(x0, p[0]);
          y0 = Math.min(y0, p[1]);
          x1 = Math.max(x1, p[0]);
          y1 = Math.max(y1, p[1]);
        }
        Detection box = new Detection(x0, y0, x1 - x0, y1 - y0, d.score(), d.source());
        Landmarks lm = f.landmarks();
        if (lm == null) {
          return new Face(box, null, f.chip());
        }
        double[] xy = lm.xy().clone();
        for (int i = 0; i < xy.length; i += 2) {
          back(xy[i], xy[i + 1], original, p);
          xy[i] = p[0];
          xy[i + 1] = p[1];
        }
        Landmarks inPhoto = new Landmarks(xy);
        return new Face(box, inPhoto, FaceAligner.chip(original, inPhoto, settings.faceModel()));
      }
      if (margin == 0) {
        return f;
      }
      Detection d = f.detection();
      Landmarks lm = f.landmarks();
      if (lm != null) {
        double[] xy = lm.xy().clone();
        for (int i = 0; i < xy.length; i++) {
          xy[i] -= margin;
        }
        lm = new Landmarks(xy);
      }
      return new Face(new Detection(d.x() - margin, d.y() - margin, d.width(), d.height(),
          d.score(), d.source()), lm, f.chip());
    }

    /** Point (x, y) of the turned copy in {@code original}'s pixels, into {@code out}. */
    private void back(double x, double y, RgbImage original, double[] out) {
      rotation.toSource(x, y, out);
      // pixel centres, as Resize samples the shrunk copy
      out[0] = (out[0] + 0.5) * original.width() / rotation.sourceWidth() - 0.5;
      out[1] = (out[1] + 0.5) * original.height() / rotation.sourceHeight() - 0.5;
    }
  }

  @Override
  public void close() {
    closeAll(ssd, tiny, landmarker);
  }

  private static void closeAll(AutoCloseable... all) {
    for (AutoCloseable c : all) {
      if (c != null) {
        try {
          c.close();
        } catch (Exception e) {
          // closing native models: nothing useful to do with a failure here
        }
      }
    }
  }
}
