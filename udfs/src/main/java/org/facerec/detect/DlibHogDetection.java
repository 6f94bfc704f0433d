package org.facerec.detect;

import java.io.Serializable;

/**
 * One face found by {@link DlibHogDetector}, as dlib reports it ({@code rect_detection}, or the
 * Python binding's {@code detector.run(img, upsample, adjust_threshold)}).
 *
 * @param rect dlib's rectangle in the input image's pixels (inclusive corners), mapped back from
 *     the upsampled image as dlib does; what dlib's shape predictor takes
 * @param score {@code detection_confidence}: the detector's SVM margin, its filter response less
 *     its bias. 0 is dlib's default threshold; faces typically score 0 to 3
 * @param filter which of the five filters fired ({@code weight_index}): 0 front, 1 left, 2 right,
 *     3 front rotated left, 4 front rotated right
 */
public record DlibHogDetection(DlibRectangle rect, double score, int filter)
    implements Serializable {

  /** As this project's {@link Detection} (see {@link DlibRectangle#toDetection}). */
  public Detection toDetection() {
    return rect.toDetection(score, Detection.Source.DLIB_HOG);
  }
}
