package org.facerec.learn;

import ai.djl.Device;
import ai.djl.Model;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.Block;
import ai.djl.nn.LambdaBlock;
import ai.djl.nn.ParallelBlock;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.core.Linear;
import ai.djl.training.DefaultTrainingConfig;
import ai.djl.training.GradientCollector;
import ai.djl.training.Trainer;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.function.Consumer;
import org.facerec.eval.VerificationMetrics;
import org.facerec.model.Adapter;
import org.facerec.model.Torch;
import org.facerec.model.TripletLoss;

/**
 * Trains an {@link Adapter} on labelled encodings of a frozen encoder with the triplet loss
 * ({@link TripletLoss}, FaceNet's {@code max(|A-P|^2 - |A-N|^2 + alpha, 0)}) and semi-hard
 * negatives mined inside each batch ({@link TripletMiner}), through DJL's training API (a
 * {@link Trainer}, a {@link GradientCollector}, Adam) on the PyTorch engine, CPU by default.
 *
 * <p>Each epoch shuffles the people with two photos or more and deals them into batches of P;
 * each person brings K photos drawn at random (all of them when fewer). The adapter's output
 * for the batch is computed once, the triplets are mined on it (every anchor-positive pair, its
 * semi-hard negative or the hardest when there is none), and the mean loss over those triplets
 * is back-propagated: the mining and the loss see the same encodings. After each epoch the
 * adapter is checked on the held-out pairs (people training never saw) with {@code eval}'s
 * k-fold accuracy, AUC and TAR at FAR 1e-3. Epoch 0 in the history is the identity adapter,
 * mined and checked without a step.
 *
 * <p>The adapter's parameters are its change from the identity (linear: {@code W = I + D},
 * D starting at 0; MLP: a residual branch whose last layer starts at 0), so the weight decay
 * pulls towards the plain encoder, not towards zero. Deterministic for a seed: every random
 * choice is made in Java from {@link TrainingConfig#seed()} and the initial weights are set
 * explicitly, not drawn by the engine.
 */
public final class AdapterTrainer {
  private static final float NORM_EPS = 1e-12f;

  private AdapterTrainer() {}

  /** The trained adapter and how training went. */
  public record Result(Adapter adapter, TrainingHistory history) {}

  /**
   * Trains on {@code people} (label: encodings of the base model {@code baseModelId}, as the
   * jobs compute them), checking each epoch on {@code heldOut} (pairs of other people; null for
   * none). The adapter's suggested threshold is the most accurate one on the held-out pairs
   * after the last epoch, or on pairs of the training people when there are none.
   */
  public static Result train(String baseModelId, Map<String, List<float[]>> people,
      PairSet heldOut, TrainingConfig config) {
    return train(baseModelId, people, heldOut, config, e -> {});
  }

  /** As {@link #train(String, Map, PairSet, TrainingConfig)}; {@code progress} hears each epoch. */
  public static Result train(String baseModelId, Map<String, List<float[]>> people,
      PairSet heldOut, TrainingConfig config, Consumer<TrainingHistory.Epoch> progress) {
    List<List<float[]>> usable = new ArrayList<>();
    int dim = -1;
    int photos = 0;
    for (Map.Entry<String, List<float[]>> e : new TreeMap<>(people).entrySet()) {
      for (float[] x : e.getValue()) {
        if (dim < 0) {
          dim = x.length;
        } else if (x.length != dim) {
          throw new IllegalArgumentException("encodings differ in length: " + dim + " and "
              + x.length + " (" + e.getKey() + ")");
        }
      }
      if (e.getValue().size() >= 2) {
        usable.add(e.getValue());
        photos += e.getValue().size();
      }
    }
    if (usable.size() < 2) {
      throw new IllegalArgumentException("triplet training needs at least 2 people with 2 photos"
          + " or more, got " + usable.size());
    }
    Torch.configure();
    Random random = new Random(config.seed());
    List<TrainingHistory.Epoch> epochs = new ArrayList<>();
    try (Model model = Model.newInstance("adapter", Device.cpu(), "PyTorch")) {
      Net net = Net.build(dim, config.hidden());
      model.setBlock(net.block);
      DefaultTrainingConfig tc = new DefaultTrainingConfig(new TripletLoss((float) config.alpha()))
          .optOptimizer(Optimizer.adam()
              .optLearningRateTracker(Tracker.fixed((float) config.learningRate()))
              .optWeightDecays((float) config.weightDecay()).build())
          .optDevices(new Device[] {Device.cpu()});
      try (Trainer trainer = model.newTrainer(tc)) {
        trainer.initialize(new Shape(config.peoplePerBatch() * config.photosPerPerson(), dim));
        net.initialise(dim, config.hidden(), random);
        for (int epoch = 0; epoch <= config.epochs(); epoch++) {
          TrainingHistory.Epoch e = epoch(trainer, net, usable, dim, config, random, epoch,
              baseModelId, heldOut);
          epochs.add(e);
          progress.accept(e);
        }
        Adapter adapter = net.adapter(baseModelId, dim, config.hidden(), Double.NaN);
        PairSet check = heldOut != null ? heldOut
            : PairSet.fromPeople(new TreeMap<>(people), 2, config.seed());
        double threshold = check.mapped(adapter::apply).metrics().best().threshold();
        TrainingHistory history = new TrainingHistory(config, usable.size(), photos,
            heldOut == null ? 0 : heldOut.size(), List.copyOf(epochs));
        return new Result(adapter.withThreshold(threshold), history);
      }
    }
  }

  private static TrainingHistory.Epoch epoch(Trainer trainer, Net net, List<List<float[]>> people,
      int dim, TrainingConfig config, Random random, int epoch, String baseModelId,
      PairSet heldOut) {
    long start = System.nanoTime();
    List<Integer> order = new ArrayList<>();
    for (int i = 0; i < people.size(); i++) {
      order.add(i);
    }
    Collections.shuffle(order, random);
    int batches = 0;
    int triplets = 0;
    int active = 0;
    int semiHard = 0;
    int hard = 0;
    double lossSum = 0;
    for (int from = 0; from < order.size(); from += config.peoplePerBatch()) {
      List<Integer> members = order.subList(from, Math.min(order.size(),
          from + config.peoplePerBatch()));
      if (members.size() < 2) {
        continue; // a last batch of one person has no negatives
      }
      List<float[]> rows = new ArrayList<>();
      List<Integer> labels = new ArrayList<>();
      for (int m : members) {
        List<float[]> photos = people.get(m);
        List<Integer> idx = new ArrayList<>();
        for (int i = 0; i < photos.size(); i++) {
          idx.add(i);
        }
        Collections.shuffle(idx, random);
        for (int i = 0; i < Math.min(config.photosPerPerson(), idx.size()); i++) {
          rows.add(photos.get(idx.get(i)));
          labels.add(m);
        }
      }
      int n = rows.size();
      float[] x = new float[n * dim];
      for (int i = 0; i < n; i++) {
        System.arraycopy(rows.get(i), 0, x, i * dim, dim);
      }
      int[] label = labels.stream().mapToInt(Integer::intValue).toArray();
      boolean learn = false;
      try (NDManager batch = trainer.getManager().newSubManager()) {
        NDArray input = batch.create(x, new Shape(n, dim));
        try (GradientCollector gc = trainer.newGradientCollector()) {
          NDArray out = trainer.forward(new NDList(input)).singletonOrThrow();
          float[] flat = out.toFloatArray();
          float[][] enc = new float[n][dim];
          for (int i = 0; i < n; i++) {
            System.arraycopy(flat, i * dim, enc[i], 0, dim);
          }
          TripletMiner.Triplets t = TripletMiner.semiHard(enc, label, config.alpha());
          if (t.size() == 0) {
            continue;
          }
          batches++;
          triplets += t.size();
          active += t.active();
          semiHard += t.count(TripletMiner.Kind.SEMI_HARD);
          hard += t.count(TripletMiner.Kind.HARD);
          NDList roles = new NDList(select(batch, t.anchor(), n).matMul(out),
              select(batch, t.positive(), n).matMul(out),
              select(batch, t.negative(), n).matMul(out));
          NDArray loss = trainer.getLoss().evaluate(new NDList(), roles).div(t.size());
          lossSum += loss.getFloat() * t.size();
          // epoch 0 only measures the identity adapter; a batch without an active triplet has
          // no gradient, and a step would still move Adam's moments
          learn = epoch > 0 && t.active() > 0;
          if (learn) {
            gc.backward(loss);
          }
        }
        if (learn) {
          trainer.step();
        }
      }
    }
    double acc = Double.NaN;
    double std = Double.NaN;
    double auc = Double.NaN;
    double tar = Double.NaN;
    double threshold = Double.NaN;
    if (heldOut != null) {
      Adapter a = net.adapter(baseModelId, dim, config.hidden(), Double.NaN);
      VerificationMetrics m = heldOut.mapped(a::apply).metrics();
      acc = m.accuracyMean();
      std = m.accuracyStd();
      auc = m.auc();
      tar = m.atFar1e3().point().tar();
      threshold = m.best().threshold();
    }
    return new TrainingHistory.Epoch(epoch, batches, triplets, active, semiHard, hard,
        triplets == 0 ? Double.NaN : lossSum / triplets, acc, std, auc, tar, threshold,
        (System.nanoTime() - start) / 1e9);
  }

  /** The (rows.length x n) 0/1 matrix whose product with the batch picks those rows. */
  private static NDArray select(NDManager manager, int[] rows, int n) {
    float[] s = new float[rows.length * n];
    for (int i = 0; i < rows.length; i++) {
      s[i * n + rows[i]] = 1f;
    }
    return manager.create(s, new Shape(rows.length, n));
  }

  /** The adapter network and its layers. */
  private static final class Net {
    final Block block;
    final Linear first;
    final Linear second;

    private Net(Block block, Linear first, Linear second) {
      this.block = block;
      this.first = first;
      this.second = second;
    }

    /** x + branch(x), then unit length; the branch is D x + c, or W2 relu(W1 x + b1) + b2. */
    static Net build(int dim, int hidden) {
      Linear first = Linear.builder().setUnits(hidden == 0 ? dim : hidden).build();
      Linear second = hidden == 0 ? null : Linear.builder().setUnits(dim).build();
      Block branch = hidden == 0 ? first
          : new SequentialBlock().add(first).add(Activation.reluBlock()).add(second);
      Block residual = new ParallelBlock(outs -> new NDList(outs.get(0).singletonOrThrow()
          .add(outs.get(1).singletonOrThrow())), List.of(branch,
              new LambdaBlock(x -> x, "identity")));
      Block unit = new LambdaBlock(list -> {
        NDArray y = list.singletonOrThrow();
        return new NDList(y.div(y.square().sum(new int[] {1}, true).add(NORM_EPS).sqrt()));
      }, "l2normalise");
      return new Net(new SequentialBlock().add(residual).add(unit), first, second);
    }

    /**
     * The starting weights, set explicitly so that runs are repeatable: the linear branch and
     * the MLP's last layer at 0 (the identity adapter), the MLP's first layer He-normal.
     */
    void initialise(int dim, int hidden, Random random) {
      if (hidden == 0) {
        first.getParameters().get("weight").getArray().set(new float[dim * dim]);
        first.getParameters().get("bias").getArray().set(new float[dim]);
        return;
      }
      float[] w1 = new float[hidden * dim];
      double scale = Math.sqrt(2.0 / dim);
      for (int i = 0; i < w1.length; i++) {
        w1[i] = (float) (scale * random.nextGaussian());
      }
      first.getParameters().get("weight").getArray().set(w1);
      first.getParameters().get("bias").getArray().set(new float[hidden]);
      second.getParameters().get("weight").getArray().set(new float[dim * hidden]);
      second.getParameters().get("bias").getArray().set(new float[dim]);
    }

    Adapter adapter(String baseModelId, int dim, int hidden, double threshold) {
      float[] w = first.getParameters().get("weight").getArray().toFloatArray();
      float[] b = first.getParameters().get("bias").getArray().toFloatArray();
      if (hidden == 0) {
        for (int i = 0; i < dim; i++) {
          w[i * dim + i] += 1f; // W = I + D
        }
        return Adapter.linear(baseModelId, dim, w, b, threshold);
      }
      return Adapter.residualMlp(baseModelId, dim, hidden, w, b,
          second.getParameters().get("weight").getArray().toFloatArray(),
          second.getParameters().get("bias").getArray().toFloatArray(), threshold);
    }
  }
}
