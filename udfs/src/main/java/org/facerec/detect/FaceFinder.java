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
import org.facerec.model.FaceModel;
import org.facerec.model.ModelWeights;

/**
 * Finds the faces in images and cuts each out for an encoder: detection, selection, landmarks,
 * alignment, as {@link FinderSettings} say. The networks are built once (per JVM and device, by
 * whoever holds this) and shared; calls are thread-safe, each on its own predictors. Several
 * images given at once go through the detector as batches, and all their faces through the
 * landmark net as one.
 */
public final class FaceFinder implements AutoCloseable {
  private final SsdMobileNetV1 ssd;
  private final TinyFaceDetector tiny;
  private final FaceLandmarker landmarker;

  /** The weights of the three networks, read once and broadcast; a detector may be absent. */
  public record Weights(ModelWeights ssd, ModelWeights tiny, ModelWeights landmarks)
      implements Serializable {
    private static final long serialVersionUID = 1L;

    /** All three from {@code modelsDir} (face-api.js's TF.js files). */
    public static Weights read(Path modelsDir) throws IOException {
      return new Weights(SsdMobileNetV1.readWeights(modelsDir),
          TinyFaceDetector.readWeights(modelsDir), FaceLandmarker.readWeights(modelsDir));
    }

    /** Only what {@code settings} use: its detector, and the landmark net when it aligns. */
    public static Weights readFor(FinderSettings settings, Path modelsDir) throws IOException {
      boolean ssd = settings.detector() == FinderSettings.Detector.SSD;
      return new Weights(ssd ? SsdMobileNetV1.readWeights(modelsDir) : null,
          ssd ? null : TinyFaceDetector.readWeights(modelsDir),
          settings.alignment() == FinderSettings.Alignment.LANDMARKS
              ? FaceLandmarker.readWeights(modelsDir) : null);
    }

    /** Checksums of the three, to key a per-JVM cache. */
    public String checksum() {
      return (ssd == null ? "-" : ssd.checksum()) + "/" + (tiny == null ? "-" : tiny.checksum())
          + "/" + (landmarks == null ? "-" : landmarks.checksum());
    }
  }

  private FaceFinder(SsdMobileNetV1 ssd, TinyFaceDetector tiny, FaceLandmarker landmarker) {
    this.ssd = ssd;
    this.tiny = tiny;
    this.landmarker = landmarker;
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
    return new FaceFinder(ssd, tiny, landmarker);
  }

  /** The detector {@code kind}; fails when its weights were not given. */
  public FaceDetector detector(FinderSettings.Detector kind) {
    FaceDetector d = kind == FinderSettings.Detector.SSD ? ssd : tiny;
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

  /** The faces in one image. */
  public List<Face> find(RgbImage image, FinderSettings settings) {
    return find(List.of(image), settings).get(0);
  }

  /** The faces in each image, in the order {@code settings.select()} keeps them. */
  public List<List<Face>> find(List<RgbImage> images, FinderSettings settings) {
    FaceModel model = settings.faceModel();
    List<List<Detection>> kept = new ArrayList<>(images.size());
    if (settings.alignment() == FinderSettings.Alignment.NONE) {
      for (RgbImage img : images) {
        kept.add(List.of(Detection.wholeImage(img.width(), img.height())));
      }
    } else {
      List<List<Detection>> found = detector(settings.detector()).detect(images,
          settings.minScore());
      for (int i = 0; i < images.size(); i++) {
        RgbImage img = images.get(i);
        List<Detection> faces = select(found.get(i), settings, img.width(), img.height());
        if (faces.isEmpty() && settings.fallback() == FinderSettings.Fallback.WHOLE_IMAGE) {
          faces = List.of(Detection.wholeImage(img.width(), img.height()));
        }
        kept.add(faces);
      }
    }
    // landmarks of every kept face of every image, in one batch
    List<Landmarks> landmarks = null;
    if (settings.alignment() == FinderSettings.Alignment.LANDMARKS) {
      List<RgbImage> faceImages = new ArrayList<>();
      List<Detection> boxes = new ArrayList<>();
      for (int i = 0; i < images.size(); i++) {
        for (Detection d : kept.get(i)) {
          faceImages.add(images.get(i));
          boxes.add(d);
        }
      }
      landmarks = landmarker().detect(faceImages, boxes);
      for (int pass = 1; pass < settings.landmarkPasses(); pass++) {
        landmarks = refine(faceImages, boxes, landmarks);
      }
    }
    List<List<Face>> out = new ArrayList<>(images.size());
    int k = 0;
    for (int i = 0; i < images.size(); i++) {
      RgbImage img = images.get(i);
      List<Face> faces = new ArrayList<>();
      for (Detection d : kept.get(i)) {
        switch (settings.alignment()) {
          case LANDMARKS -> {
            Landmarks lm = landmarks.get(k++);
            if (lm != null) { // null: the box missed the image, so there is no face to cut
              faces.add(new Face(d, lm, FaceAligner.chip(img, lm, model)));
            }
          }
          case CROP -> faces.add(new Face(d, null, d.source() == Detection.Source.WHOLE_IMAGE
              ? FaceAligner.crop(img, d, model.inputSize(), 0)
              : FaceAligner.crop(img, d, model.inputSize(), settings.cropMargin())));
          case NONE -> faces.add(new Face(d, null,
              Resize.to(img, model.inputSize(), model.inputSize())));
          default -> throw new IllegalStateException(settings.alignment().toString());
        }
      }
      out.add(faces);
    }
    return out;
  }

  /** One more landmark pass, on the box of each face's previous landmarks. */
  private List<Landmarks> refine(List<RgbImage> images, List<Detection> boxes,
      List<Landmarks> previous) {
    List<Detection> around = new ArrayList<>(boxes.size());
    for (int i = 0; i < boxes.size(); i++) {
      Landmarks lm = previous.get(i);
      RgbImage img = images.get(i);
      around.add(lm == null ? boxes.get(i)
          : FaceAligner.landmarksBox(lm, boxes.get(i), img.width(), img.height()));
    }
    List<Landmarks> next = landmarker().detect(images, around);
    List<Landmarks> out = new ArrayList<>(next.size());
    for (int i = 0; i < next.size(); i++) {
      out.add(next.get(i) != null ? next.get(i) : previous.get(i));
    }
    return out;
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
