package org.facerec.pipeline;

import org.facerec.detect.Landmarks;
import org.facerec.image.RgbImage;

/**
 * What {@link FacePipeline} made of one image: the outcome and, as far as it got, the face.
 *
 * @param sha256 hex SHA-256 of the image's bytes; null when there were none
 * @param status OK, or why there is no encoding
 * @param error why not OK, for a person; null when OK or UNCHANGED
 * @param box the face's box {x, y, width, height} in the original image's pixels (the whole
 *     image without detection or when the fallback took it); null when no face was kept
 * @param score the detector's score; null without a detection (whole image)
 * @param landmarks the 68 landmarks in the original image's pixels, when alignment used them
 * @param chip the encoder's input cut from the image; null unless a face was kept
 * @param embedding the encoding; null unless {@code status} is OK
 */
public record FaceResult(String sha256, FaceStatus status, String error, int[] box, Float score,
    Landmarks landmarks, RgbImage chip, float[] embedding) {

  static FaceResult failed(String sha256, FaceStatus status, String error) {
    return new FaceResult(sha256, status, error, null, null, null, null, null);
  }
}
