package org.facerec.model;

import ai.djl.ndarray.NDManager;
import ai.djl.nn.Block;
import java.io.IOException;
import java.nio.file.Path;

/** OpenFace nn4.small2 as the Happy House exercise builds it (being ported). */
public final class OpenFaceNn4Small2 {
  private OpenFaceNn4Small2() {}

  public static ModelWeights readWeights(String modelId, Path dir) throws IOException {
    throw new IOException("openface-nn4small2-v1 is not available yet");
  }

  public static Block create(ModelWeights weights, NDManager manager) {
    throw new UnsupportedOperationException("openface-nn4small2-v1 is not available yet");
  }

  public static long flopsPerImage() {
    return 0;
  }
}
