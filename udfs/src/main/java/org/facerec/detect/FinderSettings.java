package org.facerec.detect;

import java.io.Serializable;
import org.facerec.model.FaceModel;

/**
 * How {@link FaceFinder} finds and cuts out faces: serialisable, so a Spark job can read it once
 * on the driver and ship it with its partition functions. Change one knob with the
 * {@code with...} methods.
 *
 * @param detector which detector looks for faces
 * @param minScore a box must score above this (face-api.js's default is 0.5; LFW-like photos
 *     lose about 10% of their faces there, 0.05-0.3 keeps them)
 * @param minFaceSize boxes whose shorter side is under this many pixels are dropped
 * @param select which of several faces in one image to keep
 * @param fallback what to do with an image where no face is kept
 * @param alignment how to cut a found face out for the encoder
 * @param modelId the encoder ({@link FaceModel} id) the chips are for: size and alignment
 * @param cropMargin margin around the square box in {@link Alignment#CROP} mode, per edge, as a
 *     fraction of the side
 * @param landmarkPasses how often the landmark net runs: the first pass on the detection box,
 *     each further pass on the box of the previous pass's landmarks (face-api.js's aligned box),
 *     which frames the face the way the net was trained and steadies the points (measured on all
 *     lfw-dev pairs: 1 pass 97.70%, 2 passes 98.17%)
 */
public record FinderSettings(Detector detector, double minScore, double minFaceSize,
    Select select, Fallback fallback, Alignment alignment, String modelId, double cropMargin,
    int landmarkPasses) implements Serializable {
  private static final long serialVersionUID = 1L;

  /** The two face detectors. */
  public enum Detector {
    /** SSD MobileNet V1, 512x512 input: the accurate one. */
    SSD,
    /** Tiny Face Detector, 416x416 input: the fast one. */
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
    /**
     * The whole image as the face box, recorded as {@link Detection.Source#WHOLE_IMAGE}: for
     * inputs that are already tight face crops (SSD finds few faces on 96x96 crops).
     */
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

  public FinderSettings {
    if (detector == null || select == null || fallback == null || alignment == null) {
      throw new IllegalArgumentException("finder settings need a detector, a selection, a "
          + "fallback and an alignment");
    }
    if (!(minScore >= 0 && minScore < 1)) {
      throw new IllegalArgumentException("minimum face score must be in [0, 1), not " + minScore);
    }
    if (!(minFaceSize >= 0)) {
      throw new IllegalArgumentException("minimum face size must be >= 0 px, not " + minFaceSize);
    }
    if (!(cropMargin >= 0 && cropMargin <= 2)) {
      throw new IllegalArgumentException("crop margin must be in [0, 2], not " + cropMargin);
    }
    if (landmarkPasses < 1 || landmarkPasses > 5) {
      throw new IllegalArgumentException("landmark passes must be 1 to 5, not " + landmarkPasses);
    }
    FaceModel.byId(modelId); // fails naming the known ids
  }

  /**
   * SSD at face-api.js's 0.5, no minimum size, the largest face, no fallback, landmark-aligned
   * chips for the default encoder (dlib ResNet).
   */
  public static FinderSettings defaults() {
    return new FinderSettings(Detector.SSD, SsdMobileNetV1.DEFAULT_MIN_SCORE, 0, Select.LARGEST,
        Fallback.NONE, Alignment.LANDMARKS, FaceModel.DEFAULT.id(),
        FaceAligner.DEFAULT_CROP_MARGIN, 2);
  }

  public FaceModel faceModel() {
    return FaceModel.byId(modelId);
  }

  public FinderSettings withDetector(Detector d) {
    return new FinderSettings(d, minScore, minFaceSize, select, fallback, alignment, modelId,
        cropMargin, landmarkPasses);
  }

  public FinderSettings withMinScore(double s) {
    return new FinderSettings(detector, s, minFaceSize, select, fallback, alignment, modelId,
        cropMargin, landmarkPasses);
  }

  public FinderSettings withMinFaceSize(double px) {
    return new FinderSettings(detector, minScore, px, select, fallback, alignment, modelId,
        cropMargin, landmarkPasses);
  }

  public FinderSettings withSelect(Select s) {
    return new FinderSettings(detector, minScore, minFaceSize, s, fallback, alignment, modelId,
        cropMargin, landmarkPasses);
  }

  public FinderSettings withFallback(Fallback f) {
    return new FinderSettings(detector, minScore, minFaceSize, select, f, alignment, modelId,
        cropMargin, landmarkPasses);
  }

  public FinderSettings withAlignment(Alignment a) {
    return new FinderSettings(detector, minScore, minFaceSize, select, fallback, a, modelId,
        cropMargin, landmarkPasses);
  }

  public FinderSettings withModel(FaceModel m) {
    return new FinderSettings(detector, minScore, minFaceSize, select, fallback, alignment,
        m.id(), cropMargin, landmarkPasses);
  }

  public FinderSettings withLandmarkPasses(int passes) {
    return new FinderSettings(detector, minScore, minFaceSize, select, fallback, alignment,
        modelId, cropMargin, passes);
  }

  public FinderSettings withCropMargin(double margin) {
    return new FinderSettings(detector, minScore, minFaceSize, select, fallback, alignment,
        modelId, margin, landmarkPasses);
  }
}
