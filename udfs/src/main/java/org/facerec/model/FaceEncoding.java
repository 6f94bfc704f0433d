package org.facerec.model;

import java.io.Serializable;
import org.facerec.match.Distances;

/** An encoding together with the model that made it: encodings of two models never compare. */
public record FaceEncoding(String modelId, float[] vector) implements Serializable {

  /** Plain L2 distance; refuses encodings of another model. */
  public double distanceTo(FaceEncoding other) {
    requireSameModel(modelId, other.modelId);
    return Distances.l2(vector, other.vector);
  }

  public static void requireSameModel(String a, String b) {
    if (!a.equals(b)) {
      throw new IllegalArgumentException("cannot compare encodings of different models: " + a
          + " vs " + b + " (re-encode one side with the other's model)");
    }
  }
}
