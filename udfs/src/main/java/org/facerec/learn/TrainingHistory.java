package org.facerec.learn;

import java.io.Serializable;
import java.util.List;
import java.util.Locale;

/**
 * What happened in training, epoch by epoch, for the training report: the loss curve, the
 * triplets mined and how many were active, and the accuracy on held-out people.
 *
 * @param config how it was trained
 * @param people people with two photos or more that training drew from
 * @param photos their photos
 * @param heldOutPairs pairs of the held-out check (0: none)
 * @param epochs epoch 0 is the untrained (identity) adapter, mined and checked without a step
 */
public record TrainingHistory(TrainingConfig config, int people, int photos, int heldOutPairs,
    List<Epoch> epochs) implements Serializable {

  /**
   * One epoch.
   *
   * @param meanLoss the triplet loss per mined triplet, as mined (before each batch's step)
   * @param triplets triplets mined: every anchor-positive pair of every batch
   * @param active triplets with a positive loss (semi-hard and hard ones)
   * @param semiHard triplets whose negative was semi-hard
   * @param hard triplets that fell back to a hard negative (no semi-hard one)
   * @param heldOutAccuracy k-fold accuracy on the held-out pairs ({@code eval}'s protocol), NaN
   *     without a held-out set; likewise its std, AUC and TAR at FAR 1e-3
   * @param heldOutThreshold the most accurate L2 threshold on all held-out pairs
   * @param seconds wall time of the epoch, check included
   */
  public record Epoch(int epoch, int batches, int triplets, int active, int semiHard, int hard,
      double meanLoss, double heldOutAccuracy, double heldOutAccuracyStd, double heldOutAuc,
      double heldOutTarAtFar1e3, double heldOutThreshold, double seconds) implements Serializable {

    /** Triplets whose hardest negative was beyond the margin (loss 0). */
    public int easy() {
      return triplets - semiHard - hard;
    }

    /** One line, for logs. */
    public String describe() {
      return String.format(Locale.ROOT, "epoch %3d: loss %.4f, %d triplets, %d active (%d "
          + "semi-hard, %d hard), held-out accuracy %.2f%% AUC %.4f TAR@1e-3 %.2f%% (%.1f s)",
          epoch, meanLoss, triplets, active, semiHard, hard, 100 * heldOutAccuracy, heldOutAuc,
          100 * heldOutTarAtFar1e3, seconds);
    }
  }

  public Epoch last() {
    return epochs.get(epochs.size() - 1);
  }

  /** The history as CSV, one line per epoch under a header. */
  public String toCsv() {
    StringBuilder s = new StringBuilder("epoch,batches,triplets,active,semi_hard,hard,easy,"
        + "mean_loss,heldout_accuracy,heldout_accuracy_std,heldout_auc,heldout_tar_at_far_1e-3,"
        + "heldout_threshold,seconds\n");
    for (Epoch e : epochs) {
      s.append(String.format(Locale.ROOT, "%d,%d,%d,%d,%d,%d,%d,%s,%s,%s,%s,%s,%s,%.3f%n",
          e.epoch(), e.batches(), e.triplets(), e.active(), e.semiHard(), e.hard(), e.easy(),
          e.meanLoss(), e.heldOutAccuracy(), e.heldOutAccuracyStd(), e.heldOutAuc(),
          e.heldOutTarAtFar1e3(), e.heldOutThreshold(), e.seconds()));
    }
    return s.toString();
  }
}
