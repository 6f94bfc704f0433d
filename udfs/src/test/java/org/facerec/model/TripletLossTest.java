package org.facerec.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.djl.Device;
import ai.djl.Model;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.LambdaBlock;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.core.Linear;
import ai.djl.training.DefaultTrainingConfig;
import ai.djl.training.GradientCollector;
import ai.djl.training.Trainer;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The triplet loss by hand on small cases, and its gradients through DJL's training API. */
class TripletLossTest {
  private static NDManager manager;

  @BeforeAll
  static void engine() {
    Torch.configure();
    manager = NDManager.newBaseManager(Device.cpu(), "PyTorch");
  }

  @AfterAll
  static void close() {
    manager.close();
  }

  private static NDList triplets(float[][] a, float[][] p, float[][] n) {
    return new NDList(manager.create(a), manager.create(p), manager.create(n));
  }

  private static float loss(TripletLoss loss, NDList predictions) {
    NDArray l = loss.evaluate(new NDList(), predictions);
    assertThat(l.getShape()).isEqualTo(new Shape()); // one scalar for the batch
    return l.getFloat();
  }

  @Test
  void wellSeparatedTripletsCostNothing() {
    // |A-P|^2 = 0.01, |A-N|^2 = 1: 0.01 - 1 + 0.2 < 0, so 0
    NDList t = triplets(new float[][] {{0, 0}}, new float[][] {{0, 0.1f}}, new float[][] {{1, 0}});
    assertThat(loss(new TripletLoss(), t)).isEqualTo(0f);
    // A = P = N: only the margin is left
    NDList same = triplets(new float[][] {{1, 2}}, new float[][] {{1, 2}}, new float[][] {{1, 2}});
    assertThat(loss(new TripletLoss(), same)).isCloseTo(0.2f, within(1e-6f));
  }

  @Test
  void onlyActiveTripletsAddUp() {
    float[][] a = {{0, 0}, {1, 1}, {0, 0}};
    float[][] p = {{1, 0}, {1, 2}, {3, 0}};
    float[][] n = {{0, 2}, {2, 1}, {1, 1}};
    // triplet 1: |A-P|^2 = 1, |A-N|^2 = 4: 1 - 4 + 0.2 = -2.8 -> 0
    // triplet 2: 1, 1:                      1 - 1 + 0.2 = 0.2
    // triplet 3: 9, 2:                      9 - 2 + 0.2 = 7.2
    assertThat(loss(new TripletLoss(), triplets(a, p, n))).isCloseTo(7.4f, within(1e-5f));
    // alpha 0.5: -2.5 -> 0, 0.5, 7.5
    assertThat(loss(new TripletLoss(0.5f), triplets(a, p, n))).isCloseTo(8.0f, within(1e-5f));
    // alpha 0: triplet 2 sits exactly on the hinge and adds nothing
    assertThat(loss(new TripletLoss(0f), triplets(a, p, n))).isCloseTo(7.0f, within(1e-5f));
  }

  @Test
  void labelsAreIgnoredAndMalformedPredictionsAreRefused() {
    float[][] a = {{0, 0}};
    float[][] p = {{3, 0}};
    float[][] n = {{1, 1}};
    TripletLoss loss = new TripletLoss();
    NDList labels = new NDList(manager.create(new float[] {42f}));
    assertThat(loss.evaluate(labels, triplets(a, p, n)).getFloat()).isCloseTo(7.2f, within(1e-5f));
    assertThat(loss.alpha()).isEqualTo(TripletLoss.DEFAULT_ALPHA);
    assertThatThrownBy(() -> loss.evaluate(new NDList(), new NDList(manager.create(a))))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("got 1 arrays");
    NDList mixed = new NDList(manager.create(a), manager.create(new float[][] {{3, 0, 1}}),
        manager.create(n));
    assertThatThrownBy(() -> loss.evaluate(new NDList(), mixed))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("differ in shape");
    assertThatThrownBy(() -> new TripletLoss(-0.1f)).isInstanceOf(IllegalArgumentException.class);
  }

  /**
   * One Linear encoder shared by the three roles: the (3 * batch, in) input stacks anchors,
   * positives and negatives, and the output is split back into A, P, N for the loss.
   */
  @Test
  void gradientsFlowAndSgdStepsReduceTheLoss() {
    int batch = 4;
    int in = 6;
    Linear linear = Linear.builder().setUnits(3).build();
    SequentialBlock net = new SequentialBlock()
        .add(linear)
        .add(new LambdaBlock(x -> x.singletonOrThrow().split(3, 0)));
    // positives far from their anchors, negatives near: every triplet starts active
    Random random = new Random(7);
    float[] x = new float[3 * batch * in];
    for (int t = 0; t < batch; t++) {
      for (int j = 0; j < in; j++) {
        float anchor = (float) random.nextGaussian();
        x[t * in + j] = anchor;
        x[(batch + t) * in + j] = anchor + 1.5f * (float) random.nextGaussian();
        x[(2 * batch + t) * in + j] = anchor + 0.1f * (float) random.nextGaussian();
      }
    }
    float[] w = new float[3 * in];
    for (int i = 0; i < w.length; i++) {
      w[i] = (float) (0.5 * random.nextGaussian());
    }

    DefaultTrainingConfig config = new DefaultTrainingConfig(new TripletLoss())
        .optOptimizer(Optimizer.sgd().setLearningRateTracker(Tracker.fixed(0.01f)).build())
        .optDevices(new Device[] {Device.cpu()});
    try (Model model = Model.newInstance("triplet", Device.cpu(), "PyTorch")) {
      model.setBlock(net);
      try (Trainer trainer = model.newTrainer(config)) {
        trainer.initialize(new Shape(3L * batch, in));
        linear.getParameters().get("weight").getArray().set(w);
        NDArray input = trainer.getManager().create(x, new Shape(3L * batch, in));
        List<Float> losses = new ArrayList<>();
        for (int step = 0; step < 5; step++) {
          try (GradientCollector gc = trainer.newGradientCollector()) {
            NDList predictions = trainer.forward(new NDList(input));
            assertThat(predictions).hasSize(3);
            assertThat(predictions.get(0).getShape()).isEqualTo(new Shape(batch, 3));
            NDArray loss = trainer.getLoss().evaluate(new NDList(), predictions);
            losses.add(loss.getFloat());
            gc.backward(loss);
          }
          if (step == 0) {
            NDArray grad = linear.getParameters().get("weight").getArray().getGradient();
            assertThat(grad.getShape()).isEqualTo(new Shape(3, in));
            assertThat(grad.abs().sum().getFloat()).isGreaterThan(1e-4f);
          }
          trainer.step();
        }
        assertThat(losses.get(0)).isGreaterThan(0.2f * batch);
        for (int i = 1; i < losses.size(); i++) {
          assertThat(losses.get(i)).as("loss after %d steps: %s", i, losses)
              .isLessThan(losses.get(i - 1));
        }
        System.out.println("triplet loss over 5 SGD steps: " + losses);
      }
    }
  }
}
