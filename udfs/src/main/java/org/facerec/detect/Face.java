package org.facerec.detect;

import java.io.Serializable;
import org.facerec.image.RgbImage;

/**
 * One face found in an image: its box and score ({@link Detection#source()} says whether a
 * detector found it or it is the whole-image fallback), its 68 landmarks (null unless the
 * alignment used them) and the chip cut out for the encoder, at the encoder's input size.
 */
public record Face(Detection detection, Landmarks landmarks, RgbImage chip)
    implements Serializable {

  /** True when no detector found this face: the whole image stands for it. */
  public boolean wholeImage() {
    return detection.source() == Detection.Source.WHOLE_IMAGE;
  }
}
