package org.facerec.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.training.loss.Loss;

/**
 * FaceNet's triplet loss, as the Happy House exercise defines it: for each triplet of encodings
 * (anchor A, positive P of the same person, negative N of another) {@code max(|A - P|^2 - |A - N|^2
 * + alpha, 0)}, summed (not averaged) over the batch; alpha = 0.2 by default.
 *
 * <p>How the encodings arrive: {@code predictions} is an {@link NDList} of exactly three arrays of
 * the same shape {@code (batch, d)}, in the order A, P, N; squared distances sum over the last axis.
 * {@code labels} are ignored (the triplet's roles carry the supervision), so an empty list will do.
 * A network trained with it should therefore output three arrays, e.g. one shared encoder applied
 * to a stacked {@code (3 * batch, ...)} input whose output is split in three along axis 0.
 */
public class TripletLoss extends Loss {
  public static final float DEFAULT_ALPHA = 0.2f;

  private final float alpha;

  public TripletLoss() {
    this(DEFAULT_ALPHA);
  }

  public TripletLoss(float alpha) {
    this("TripletLoss", alpha);
  }

  public TripletLoss(String name, float alpha) {
    super(name);
    if (!(alpha >= 0) || Float.isInfinite(alpha)) {
      throw new IllegalArgumentException("triplet margin alpha must be finite and >= 0, not "
          + alpha);
    }
    this.alpha = alpha;
  }

  /** The margin alpha. */
  public float alpha() {
    return alpha;
  }

  /** The batch's summed loss, a scalar; {@code labels} are not read. */
  @Override
  public NDArray evaluate(NDList labels, NDList predictions) {
    if (predictions.size() != 3) {
      throw new IllegalArgumentException("triplet loss wants predictions (anchor, positive,"
          + " negative), got " + predictions.size() + " arrays");
    }
    NDArray anchor = predictions.get(0);
    NDArray positive = predictions.get(1);
    NDArray negative = predictions.get(2);
    if (!anchor.getShape().equals(positive.getShape())
        || !anchor.getShape().equals(negative.getShape())) {
      throw new IllegalArgumentException("anchor, positive and negative differ in shape: "
          + anchor.getShape() + ", " + positive.getShape() + ", " + negative.getShape());
    }
    NDArray pos = anchor.sub(positive).square().sum(new int[] {-1});
    NDArray neg = anchor.sub(negative).square().sum(new int[] {-1});
    return pos.sub(neg).add(alpha).maximum(0f).sum();
  }
}
