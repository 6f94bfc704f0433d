package org.facerec.detect;

import java.util.List;
import org.facerec.image.RgbImage;

/**
 * A face detector: images in, face boxes in each image's own pixels out, best score first. One
 * network built once per JVM (per device) and shared: implementations are thread-safe, every call
 * runs on its own predictor and frees its native arrays before it returns. Several images given
 * at once go through the network as batches.
 */
public interface FaceDetector extends AutoCloseable {

  /** Which detector this is (also the id of its {@link org.facerec.model.ModelWeights}). */
  String modelId();

  /** The score a face must exceed when the caller names none (face-api.js's default, 0.5). */
  double defaultMinScore();

  /** The faces scoring above {@code minScore} in each image, best first. */
  List<List<Detection>> detect(List<RgbImage> images, double minScore);

  default List<Detection> detect(RgbImage image, double minScore) {
    return detect(List.of(image), minScore).get(0);
  }

  default List<Detection> detect(RgbImage image) {
    return detect(image, defaultMinScore());
  }

  @Override
  void close();
}
