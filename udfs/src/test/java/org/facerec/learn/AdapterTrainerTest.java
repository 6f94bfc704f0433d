package org.facerec.learn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import org.facerec.LfwDev;
import org.facerec.eval.Pair;
import org.facerec.image.Framing;
import org.facerec.model.Adapter;
import org.junit.jupiter.api.Test;

/** Triplet training of the adapter: on made-up encodings it can fix, and on lfw-dev's. */
class AdapterTrainerTest {

  /**
   * People in 16-d whose identity lives in 4 components while 12 others carry photo-to-photo
   * noise as large: plain distances mostly measure the noise; a linear map that shrinks
   * those components separates the people.
   */
  static Map<String, List<float[]>> people(int count, int photos, long seed) {
    Random r = new Random(seed);
    Map<String, List<float[]>> m = new LinkedHashMap<>();
    for (int p = 0; p < count; p++) {
      float[] centre = new float[4];
      for (int k = 0; k < 4; k++) {
        centre[k] = (float) r.nextGaussian();
      }
      List<float[]> list = new ArrayList<>();
      for (int i = 0; i < photos; i++) {
        float[] x = new float[16];
        for (int k = 0; k < 16; k++) {
          x[k] = (float) (k < 4 ? centre[k] + 0.15 * r.nextGaussian() : r.nextGaussian());
        }
        list.add(x);
      }
      m.put("p" + seed + "-" + p, list);
    }
    return m;
  }

  @Test
  void learnsToIgnoreNoise() {
    Map<String, List<float[]>> train = people(48, 5, 1);
    PairSet heldOut = PairSet.fromPeople(people(30, 4, 2), 3, 0);
    TrainingConfig config = TrainingConfig.defaults().withBatch(8, 4).withEpochs(20)
        .withLearningRate(2e-2).withWeightDecay(0);
    AdapterTrainer.Result r = AdapterTrainer.train("dlib-resnet-v1", train, heldOut, config,
        e -> System.out.println(e.describe()));
    List<TrainingHistory.Epoch> h = r.history().epochs();
    assertThat(h).hasSize(21);
    TrainingHistory.Epoch start = h.get(0);
    TrainingHistory.Epoch end = r.history().last();
    // epoch 0 is the identity: checked, nothing learnt
    assertThat(start.triplets()).isPositive();
    assertThat(end.meanLoss()).isLessThan(start.meanLoss() / 2);
    assertThat(end.active()).isLessThan(start.active());
    assertThat(end.heldOutAccuracy()).isGreaterThan(start.heldOutAccuracy() + 0.1);
    assertThat(end.heldOutAuc()).isGreaterThan(0.97);
    assertThat(r.history().people()).isEqualTo(48);
    assertThat(r.history().photos()).isEqualTo(240);
    assertThat(r.history().toCsv().lines()).hasSize(22);
    assertThat(r.adapter().threshold()).isEqualTo(end.heldOutThreshold());
    assertThat(r.adapter().id()).startsWith("dlib-resnet-v1+adapter-");

  }

  @Test
  void sameSeedSameAdapter() {
    Map<String, List<float[]>> train = people(24, 4, 5);
    TrainingConfig config = TrainingConfig.defaults().withBatch(8, 4).withEpochs(3);
    AdapterTrainer.Result r = AdapterTrainer.train("dlib-resnet-v1", train, null, config);
    AdapterTrainer.Result again = AdapterTrainer.train("dlib-resnet-v1", train, null, config);
    assertThat(again.adapter().id()).isEqualTo(r.adapter().id());
    assertThat(again.adapter().threshold()).isEqualTo(r.adapter().threshold());
    assertThat(again.history().last().meanLoss()).isEqualTo(r.history().last().meanLoss());
    AdapterTrainer.Result other = AdapterTrainer.train("dlib-resnet-v1", train, null,
        config.withSeed(1));
    assertThat(other.adapter().id()).isNotEqualTo(r.adapter().id());
    // without held-out people: no per-epoch check, a threshold from the training people's pairs
    assertThat(r.history().last().heldOutAccuracy()).isNaN();
    assertThat(r.history().heldOutPairs()).isZero();
    assertThat(r.adapter().threshold()).isBetween(0.1, 2.0);
  }

  @Test
  void residualMlpTrainsToo() {
    Map<String, List<float[]>> train = people(32, 4, 3);
    PairSet heldOut = PairSet.fromPeople(people(20, 4, 4), 2, 0);
    AdapterTrainer.Result r = AdapterTrainer.train("dlib-resnet-v1", train, heldOut,
        TrainingConfig.defaults().withHidden(32).withEpochs(10).withLearningRate(1e-2)
            .withWeightDecay(0));
    assertThat(r.adapter().kind()).isEqualTo(Adapter.Kind.RESIDUAL_MLP);
    assertThat(r.history().last().meanLoss()).isLessThan(r.history().epochs().get(0).meanLoss());
    assertThat(r.history().last().heldOutAccuracy())
        .isGreaterThan(r.history().epochs().get(0).heldOutAccuracy());
  }

  @Test
  void refusesTooLittleData() {
    Map<String, List<float[]>> one = new LinkedHashMap<>();
    one.put("a", List.of(new float[] {1, 0}, new float[] {0, 1}));
    one.put("b", List.of(new float[] {1, 1}));
    assertThatThrownBy(() -> AdapterTrainer.train("dlib-resnet-v1", one, null,
        TrainingConfig.defaults())).hasMessageContaining("at least 2 people");
  }

  /**
   * On real encodings: lfw-dev's people of folds 1-4 (dlib, {@link Framing#LFW}, the encodings
   * the other lfw-dev tests share), checked each epoch on fold 5's 600 pairs, people training
   * never saw. The triplet loss falls over a few epochs, and most triplets leave the margin.
   */
  @Test
  void lossFallsOnLfwDevEncodings() {
    List<Pair> pairs = LfwDev.pairs();
    Map<String, Integer> foldOf = new LinkedHashMap<>();
    for (Pair p : pairs) {
      foldOf.put(person(p.path1()), p.fold());
      foldOf.put(person(p.path2()), p.fold());
    }
    Map<String, float[]> enc = LfwDev.encodings(Framing.LFW);
    Map<String, List<float[]>> train = new LinkedHashMap<>();
    for (String path : LfwDev.paths()) {
      if (foldOf.get(person(path)) != 5) {
        train.computeIfAbsent(person(path), k -> new ArrayList<>()).add(enc.get(path));
      }
    }
    // fold 5's pairs carry one fold number: dealt in two for the k-fold protocol
    PairSet heldOut = PairSet.of(pairs.stream().filter(p -> p.fold() == 5).toList(), enc::get)
        .refold(2);
    long start = System.nanoTime();
    AdapterTrainer.Result r = AdapterTrainer.train("dlib-resnet-v1", train, heldOut,
        TrainingConfig.defaults().withEpochs(3), e -> System.out.println(e.describe()));
    List<TrainingHistory.Epoch> h = r.history().epochs();
    System.out.printf(Locale.ROOT, "lfw-dev folds 1-4: %d people, %d photos; %.1f s%n",
        r.history().people(), r.history().photos(), (System.nanoTime() - start) / 1e9);
    assertThat(h.get(1).semiHard()).isPositive();
    assertThat(r.history().last().meanLoss()).isLessThan(h.get(0).meanLoss());
    assertThat(r.history().last().meanLoss()).isLessThan(h.get(1).meanLoss());
    // the fit drives most triplets out of the margin...
    assertThat(r.history().last().active()).isLessThan(h.get(0).active() / 2);
    // ...which is not the same as doing better on other people (see LearnExperiment): here
    // only that a short run leaves a usable space
    assertThat(r.history().last().heldOutAuc()).isGreaterThan(0.97);
  }

  private static String person(String path) {
    return path.substring(0, path.indexOf('/'));
  }
}
