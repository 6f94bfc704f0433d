package org.facerec.spark;

import java.io.Serializable;
import org.facerec.image.Framing;

/**
 * What the encoding partitions need besides the weights: batch size, how a face chip is framed,
 * input guards and threads. Serialisable settings only; no sessions, models or managers.
 */
public record EncodeOptions(int batchSize, Framing framing, long maxPixels, long maxBytes,
    int threads, int minSide) implements Serializable {

  public EncodeOptions {
    if (batchSize < 1) {
      throw new IllegalArgumentException("batch size must be at least 1, not " + batchSize);
    }
  }
}
