package org.facerec.learn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.djl.Device;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import java.util.ArrayList;
import java.util.List;
import org.facerec.learn.TripletMiner.Kind;
import org.facerec.learn.TripletMiner.Triplets;
import org.facerec.model.Torch;
import org.facerec.model.TripletLoss;
import org.junit.jupiter.api.Test;

/** Semi-hard mining on a hand-made batch of 2-d encodings whose distances can be checked by eye. */
class TripletMinerTest {
  // rows:                   0: A0     1: A1       2: B0       3: B1       4: C0        5: D0
  private static final float[][] BATCH = {{0, 0}, {0.3f, 0}, {0, 0.4f}, {0, 1.2f}, {-0.1f, 0},
      {2, 2}, {2, 2.1f}}; // 6: D1
  private static final int[] PERSON = {0, 0, 1, 1, 2, 3, 3};
  private static final double ALPHA = 0.2;

  /**
   * Squared distances: A0-A1 0.09, A0-B0 0.16, A0-C0 0.01, A1-B0 0.25, A1-C0 0.16, B0-B1 0.64,
   * B1-A0 1.44, B1-C0 1.45, B1-A1 1.53, D0-D1 0.01, every D to anyone else above 4. So, with the
   * margin 0.2 (semi-hard window (d(A,P), d(A,P) + 0.2)):
   * <ul>
   *   <li>A0 -> A1 (0.09): window (0.09, 0.29) holds B0 (0.16); C0 (0.01) is harder but not
   *       semi-hard, so B0, SEMI_HARD;
   *   <li>A1 -> A0 (0.09): the window holds C0 (0.16) and B0 (0.25): the nearer, C0;
   *   <li>B0 -> B1 (0.64): window (0.64, 0.84) is empty; the hardest negative A0 (0.16) is
   *       nearer than the positive: A0, HARD;
   *   <li>B1 -> B0 (0.64): window empty; the hardest, A0 (1.44), is beyond it: A0, EASY;
   *   <li>D0 -> D1 and D1 -> D0 (0.01): window (0.01, 0.21) empty, the hardest is B1: EASY;
   *   <li>C0 has no second photo: a negative only, never an anchor.
   * </ul>
   */
  @Test
  void picksTheNearestSemiHardNegativeElseTheHardest() {
    Triplets t = TripletMiner.semiHard(BATCH, PERSON, ALPHA);
    List<String> got = new ArrayList<>();
    for (int i = 0; i < t.size(); i++) {
      got.add(t.anchor()[i] + "," + t.positive()[i] + "," + t.negative()[i] + " " + t.kind()[i]);
    }
    assertThat(got).containsExactly(
        "0,1,2 SEMI_HARD",
        "1,0,4 SEMI_HARD",
        "2,3,0 HARD",
        "3,2,0 EASY",
        "5,6,3 EASY",
        "6,5,3 EASY");
    assertThat(t.count(Kind.SEMI_HARD)).isEqualTo(2);
    assertThat(t.count(Kind.HARD)).isEqualTo(1);
    assertThat(t.count(Kind.EASY)).isEqualTo(3);
    assertThat(t.active()).isEqualTo(3); // semi-hard and hard ones; easy ones cost nothing
    assertThat(t.dap()[0]).isCloseTo(0.09, within(1e-6));
    assertThat(t.dan()[0]).isCloseTo(0.16, within(1e-6));
    assertThat(t.dan()[2]).isCloseTo(0.16, within(1e-6));
    // 0.09 - 0.16 + 0.2 twice, 0.64 - 0.16 + 0.2 once
    assertThat(t.loss()).isCloseTo(0.13 + 0.13 + 0.68, within(1e-6));
  }

  /** The engine's TripletLoss on the mined triplets gives the miner's loss. */
  @Test
  void tripletLossAgreesOnTheMinedTriplets() {
    Triplets t = TripletMiner.semiHard(BATCH, PERSON, ALPHA);
    Torch.configure();
    try (NDManager m = NDManager.newBaseManager(Device.cpu(), "PyTorch")) {
      float[][][] roles = new float[3][t.size()][];
      for (int i = 0; i < t.size(); i++) {
        roles[0][i] = BATCH[t.anchor()[i]];
        roles[1][i] = BATCH[t.positive()[i]];
        roles[2][i] = BATCH[t.negative()[i]];
      }
      float loss = new TripletLoss((float) ALPHA).evaluate(new NDList(),
          new NDList(m.create(roles[0]), m.create(roles[1]), m.create(roles[2]))).getFloat();
      assertThat((double) loss).isCloseTo(t.loss(), within(1e-5));
    }
  }

  @Test
  void strictWindowAndNoNegatives() {
    // d(A,P) = 1 and the only negative at exactly 1: not farther than the positive, so hard
    float[][] onEdge = {{0, 0}, {1, 0}, {0, 1}};
    Triplets t = TripletMiner.semiHard(onEdge, new int[] {0, 0, 1}, ALPHA);
    assertThat(t.kind()[0]).isEqualTo(Kind.HARD);
    // ...and at exactly d(A,P) + alpha: beyond the window, loss 0, easy
    float[][] atMargin = {{0, 0}, {1, 0}, {0, 1.5f}}; // 1 + 1.25 = 2.25, exact in binary
    Triplets u = TripletMiner.semiHard(atMargin, new int[] {0, 0, 1}, 1.25);
    assertThat(u.kind()[0]).isEqualTo(Kind.EASY);
    assertThat(u.active()).isZero();
    // one person only: nothing to contrast with
    assertThat(TripletMiner.semiHard(onEdge, new int[] {0, 0, 0}, ALPHA).size()).isZero();
    assertThatThrownBy(() -> TripletMiner.semiHard(onEdge, new int[] {0, 0}, ALPHA))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
