package org.facerec.detect;

import java.io.Serializable;

/**
 * One face box in the pixels of the image it was found in: top-left corner, width and height
 * (doubles, as the detectors compute them; a box may extend past the image's edges), the
 * detector's score and who produced it. The neural detectors' scores are probabilities (0..1);
 * {@link Source#DLIB_HOG}'s is dlib's SVM margin (0 at its default threshold, faces typically up
 * to 3). A {@link Source#WHOLE_IMAGE} box is not a detection but the fallback for inputs that
 * are already face crops; its score is 0.
 */
public record Detection(double x, double y, double width, double height, double score,
    Source source) implements Serializable {

  /** Where a box came from. */
  public enum Source {
    SSD_MOBILENET_V1,
    TINY_FACE_DETECTOR,
    /** dlib's HOG frontal face detector ({@link DlibHogDetector}). */
    DLIB_HOG,
    /** No detector: the whole image taken as the face (inputs that are tight face crops). */
    WHOLE_IMAGE
  }

  /** The whole {@code width x height} image as the face box, recorded as such. */
  public static Detection wholeImage(int width, int height) {
    return new Detection(0, 0, width, height, 0, Source.WHOLE_IMAGE);
  }

  public double right() {
    return x + width;
  }

  public double bottom() {
    return y + height;
  }

  public double centreX() {
    return x + width / 2;
  }

  public double centreY() {
    return y + height / 2;
  }

  public double area() {
    return width * height;
  }

  /** The shorter side, what a minimum face size compares with. */
  public double minSide() {
    return Math.min(width, height);
  }
}
