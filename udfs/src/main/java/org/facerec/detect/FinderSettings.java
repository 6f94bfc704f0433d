package org.facerec.detect;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import org.facerec.model.FaceModel;

/**
 * How {@link FaceFinder} finds and cuts out faces: serialisable, so a Spark job can read it once
 * on the driver and ship it with its partition functions. Change knobs with {@link #toBuilder}.
 *
 * <p>The search is a list of {@link Attempt}s, tried in order until one finds a face: the
 * detector on the image, then, with {@code secondChances}, what users' photos need before an
 * image is called faceless (each measured; see the README's face-finding table): the detector
 * upsampled once more for small faces; the image padded by half its longer side with its edge
 * pixels, so that a tight face crop looks like a photo again; for dlib's HOG detector, the image
 * turned by up to 45 degrees either way (tilted heads), then the SSD at a high score on the image
 * and on the padded image.
 *
 * @param detector the detector tried first
 * @param minScore a box of {@code detector} must score above this: for HOG dlib's SVM margin
 *     ({@code adjust_threshold}, dlib's default 0); for SSD and Tiny a probability in [0, 1)
 * @param minFaceSize boxes whose shorter side is under this many pixels are dropped
 * @param select which of several faces in one image to keep
 * @param fallback what to do with an image where no face is kept after every attempt
 * @param alignment how to cut a found face out for the encoder
 * @param landmarks which 68-point landmarks align the face
 * @param modelId the encoder ({@link FaceModel} id) the chips are for: size and alignment
 * @param cropMargin margin around the square box in {@link Alignment#CROP} mode, per edge, as a
 *     fraction of the side
 * @param landmarkPasses how often face-api.js's landmark net runs ({@link Landmarks68#NET}):
 *     the first pass on the detection box, each further pass on the box of the previous pass's
 *     landmarks, which steadies the points (lfw-dev: 1 pass 97.70%, 2 passes 98.17%)
 * @param upsample how often the HOG detector doubles the image before its first attempt (dlib's
 *     {@code detector(img, upsample)}); its window finds faces of about 80 px and more, so each
 *     doubling finds faces half as large at four times the cost
 * @param scanSide the HOG detector searches a copy of the image shrunk to this longer side (boxes
 *     are mapped back to the image's pixels): a face of a tenth of the photo is still 80 px there,
 *     and the HOG scan's cost stays bounded
 * @param secondChances try the second chances before an image has no face
 * @param secondChanceMinScore the SSD's minimum score when it looks after the HOG detector found
 *     nothing: it runs on every faceless photo, so its bar is high
 */
public record FinderSettings(Detector detector, double minScore, double minFaceSize,
    Select select, Fallback fallback, Alignment alignment, Landmarks68 landmarks, String modelId,
    double cropMargin, int landmarkPasses, int upsample, int scanSide, boolean secondChances,
    double secondChanceMinScore) implements Serializable {
  private static final long serialVersionUID = 2L;

  /** The face detectors. */
  public enum Detector {
    /** dlib's HOG frontal face detector ({@link DlibHogDetector}): dlib's own pipeline. */
    HOG,
    /** SSD MobileNet V1 (face-api.js), 512x512 input. */
    SSD,
    /** Tiny Face Detector (face-api.js), 416x416 input. */
    TINY
  }

  /** Which faces of an image to keep. */
  public enum Select {
    /** Every face found, best score first. */
    ALL,
    /** The face with the best score. */
    BEST_SCORE,
    /** The face with the largest box. */
    LARGEST,
    /** The face whose box centre is nearest the image centre (portraits, LFW). */
    NEAREST_CENTRE
  }

  /** What an image where no face is kept gives. */
  public enum Fallback {
    /** No face. */
    NONE,
    /** The whole image as the face box, recorded as {@link Detection.Source#WHOLE_IMAGE}. */
    WHOLE_IMAGE
  }

  /** How a face is cut out for the encoder. */
  public enum Alignment {
    /** 68 landmarks, then the encoder's own alignment ({@link FaceAligner#chip}). */
    LANDMARKS,
    /** The detection box, squared, with a margin, resized ({@link FaceAligner#crop}). */
    CROP,
    /** No detection: the whole image, resized, is the one face. */
    NONE
  }

  /** Where the 68 landmarks come from. */
  public enum Landmarks68 {
    /** dlib's shape predictor ({@link DlibShapePredictor}), what dlib's chips are cut from. */
    DLIB,
    /** face-api.js's landmark net ({@link FaceLandmarker}). */
    NET
  }

  /**
   * One look for faces.
   *
   * @param detector which detector
   * @param upsample HOG only: how often the image is doubled first (on a padded image only
   *     where its scan is small: {@link FaceFinder#PADDED_UPSAMPLE_BELOW})
   * @param padded whether the image is padded by half its longer side with its edge pixels
   * @param minScore the detector's minimum score for this look
   * @param degrees the image is turned by this many degrees (clockwise) first: 0 for none
   */
  public record Attempt(Detector detector, int upsample, boolean padded, double minScore,
      double degrees) implements Serializable {
    private static final long serialVersionUID = 2L;

    public Attempt(Detector detector, int upsample, boolean padded, double minScore) {
      this(detector, upsample, padded, minScore, 0);
    }
  }

  /**
   * dlib's HOG detector's second chance for heads tilted further than its five filters reach
   * (lfw-dev, celeba-dev: heads on a shoulder, a reclining body): the photo turned by each of
   * these angles, nearest turns first.
   */
  static final double[] TURNS = {-15, 15, -30, 30, -45, 45};
  /**
   * A turned look's HOG boxes must score above this SVM margin, not dlib's 0: the six turns are
   * six more scans of every faceless photo, and at 0 they found faces in 4 of the 228 photos of
   * the no-face set (at most 0.28), at 0.3 in none.
   */
  static final double TURNED_MIN_SCORE = 0.3;

  public FinderSettings {
    if (detector == null || select == null || fallback == null || alignment == null
        || landmarks == null) {
      throw new IllegalArgumentException("finder settings need a detector, a selection, a "
          + "fallback, an alignment and a landmark source");
    }
    checkScore(detector, minScore, "minimum face score");
    checkScore(Detector.SSD, secondChanceMinScore, "second chance's minimum SSD score");
    if (!(minFaceSize >= 0)) {
      throw new IllegalArgumentException("minimum face size must be >= 0 px, not " + minFaceSize);
    }
    if (!(cropMargin >= 0 && cropMargin <= 2)) {
      throw new IllegalArgumentException("crop margin must be in [0, 2], not " + cropMargin);
    }
    if (landmarkPasses < 1 || landmarkPasses > 5) {
      throw new IllegalArgumentException("landmark passes must be 1 to 5, not " + landmarkPasses);
    }
    if (upsample < 0 || upsample > 2) {
      throw new IllegalArgumentException("upsampling must be 0, 1 or 2, not " + upsample);
    }
    if (scanSide < 64) {
      throw new IllegalArgumentException("the scan side must be at least 64 px, not " + scanSide);
    }
    FaceModel.byId(modelId); // fails naming the known ids
  }

  private static void checkScore(Detector d, double score, String what) {
    boolean ok = d == Detector.HOG ? Double.isFinite(score) : score >= 0 && score < 1;
    if (!ok) {
      throw new IllegalArgumentException(what + " must be " + (d == Detector.HOG
          ? "a finite SVM margin (dlib's default is 0)" : "in [0, 1)") + " for the "
          + d.name().toLowerCase(java.util.Locale.ROOT) + " detector, not " + score);
    }
  }

  /**
   * The shipped face finding: dlib's HOG detector at its own threshold and dlib's shape
   * predictor (dlib's pipeline, whose chips the encoder was trained on), faces of 20 px and
   * more, the one nearest the centre, with the second chances, chips for the default encoder.
   */
  public static FinderSettings defaults() {
    return new FinderSettings(Detector.HOG, DlibHogDetector.DEFAULT_MIN_SCORE, 20,
        Select.NEAREST_CENTRE, Fallback.NONE, Alignment.LANDMARKS, Landmarks68.DLIB,
        FaceModel.DEFAULT.id(), FaceAligner.DEFAULT_CROP_MARGIN, 2, 0, 800, true, 0.8);
  }

  /**
   * The default minimum score of {@code d}: dlib's 0 for HOG; 0.3 for the networks, below
   * face-api.js's 0.5, at which the SSD misses about one LFW face in ten (ALIGNMENT.md).
   */
  public static double defaultMinScore(Detector d) {
    return d == Detector.HOG ? DlibHogDetector.DEFAULT_MIN_SCORE : 0.3;
  }

  /** The looks for faces, in order: the first attempt, then the second chances. */
  public List<Attempt> attempts() {
    List<Attempt> out = new ArrayList<>();
    out.add(new Attempt(detector, upsample, false, minScore));
    if (!secondChances) {
      return out;
    }
    boolean hog = detector == Detector.HOG;
    int more = Math.min(2, upsample + 1);
    if (hog && more > upsample) {
      out.add(new Attempt(detector, more, false, minScore)); // smaller faces
    }
    out.add(new Attempt(detector, hog ? more : 0, true, minScore)); // a tight crop
    if (hog) {
      // tilted heads: the photo turned, so that the face is upright for the HOG filters and
      // for the shape predictor, which the SSD's box of a tilted face leaves far off
      for (double degrees : TURNS) {
        out.add(new Attempt(detector, more, false, Math.max(minScore, TURNED_MIN_SCORE),
            degrees));
      }
      // the other detector: turned and blurred faces HOG misses, then on a tight crop
      out.add(new Attempt(Detector.SSD, 0, false, secondChanceMinScore));
      out.add(new Attempt(Detector.SSD, 0, true, secondChanceMinScore));
    }
    return out;
  }

  /** Whether some attempt uses {@code d}. */
  public boolean uses(Detector d) {
    return alignment != Alignment.NONE
        && attempts().stream().anyMatch(a -> a.detector() == d);
  }

  public FaceModel faceModel() {
    return FaceModel.byId(modelId);
  }

  public Builder toBuilder() {
    return new Builder(this);
  }

  /** A copy with other knobs: {@code settings.toBuilder().detector(SSD).build()}. */
  public static final class Builder {
    private Detector detector;
    private double minScore;
    private double minFaceSize;
    private Select select;
    private Fallback fallback;
    private Alignment alignment;
    private Landmarks68 landmarks;
    private String modelId;
    private double cropMargin;
    private int landmarkPasses;
    private int upsample;
    private int scanSide;
    private boolean secondChances;
    private double secondChanceMinScore;

    private Builder(FinderSettings s) {
      detector = s.detector;
      minScore = s.minScore;
      minFaceSize = s.minFaceSize;
      select = s.select;
      fallback = s.fallback;
      alignment = s.alignment;
      landmarks = s.landmarks;
      modelId = s.modelId;
      cropMargin = s.cropMargin;
      landmarkPasses = s.landmarkPasses;
      upsample = s.upsample;
      scanSide = s.scanSide;
      secondChances = s.secondChances;
      secondChanceMinScore = s.secondChanceMinScore;
    }

    /** The detector, with its own default minimum score unless one is set after. */
    public Builder detector(Detector d) {
      detector = d;
      minScore = defaultMinScore(d);
      return this;
    }

    public Builder minScore(double s) {
      minScore = s;
      return this;
    }

    public Builder minFaceSize(double px) {
      minFaceSize = px;
      return this;
    }

    public Builder select(Select s) {
      select = s;
      return this;
    }

    public Builder fallback(Fallback f) {
      fallback = f;
      return this;
    }

    public Builder alignment(Alignment a) {
      alignment = a;
      return this;
    }

    public Builder landmarks(Landmarks68 l) {
      landmarks = l;
      return this;
    }

    public Builder model(FaceModel m) {
      modelId = m.id();
      return this;
    }

    public Builder cropMargin(double m) {
      cropMargin = m;
      return this;
    }

    public Builder landmarkPasses(int n) {
      landmarkPasses = n;
      return this;
    }

    public Builder upsample(int n) {
      upsample = n;
      return this;
    }

    public Builder scanSide(int px) {
      scanSide = px;
      return this;
    }

    public Builder secondChances(boolean on) {
      secondChances = on;
      return this;
    }

    public Builder secondChanceMinScore(double s) {
      secondChanceMinScore = s;
      return this;
    }

    public FinderSettings build() {
      return new FinderSettings(detector, minScore, minFaceSize, select, fallback, alignment,
          landmarks, modelId, cropMargin, landmarkPasses, upsample, scanSide, secondChances,
          secondChanceMinScore);
    }
  }
}
