package org.facerec.report;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.facerec.learn.TrainingHistory;
import org.facerec.model.Adapter;

/**
 * The page {@code facerec train} writes beside the adapter: the run, the loss curve, the
 * triplets mined and active per epoch, and the accuracy on held-out people per epoch, so that a
 * person can see whether training learnt anything that carries over to people it never saw (the
 * held-out curve), not only whether the loss fell (which it does on almost any data).
 */
public final class TrainingReport {
  private TrainingReport() {}

  /** The page; {@code run} lists what was trained on and how (shown as given, in order). */
  public static Html page(Map<String, String> run, Adapter adapter, TrainingHistory history) {
    Html page = new Html("facerec training: " + adapter.id());
    List<List<String>> rows = new ArrayList<>();
    run.forEach((k, v) -> rows.add(List.of(k, v)));
    rows.add(List.of("adapter", adapter.toString()));
    rows.add(List.of("training", history.config().toString()));
    rows.add(List.of("people, photos", history.people() + ", " + history.photos()));
    rows.add(List.of("held-out pairs", history.heldOutPairs() == 0 ? "none"
        : Integer.toString(history.heldOutPairs())));
    rows.add(List.of("suggested threshold", Double.isNaN(adapter.threshold()) ? "none"
        : fmt(adapter.threshold(), 4)));
    page.heading(2, "Run");
    page.table(List.of("", ""), rows);

    List<TrainingHistory.Epoch> epochs = history.epochs();
    int n = epochs.size();
    double[] x = new double[n];
    double[] loss = new double[n];
    double[] active = new double[n];
    double[] semi = new double[n];
    double[] acc = new double[n];
    double[] auc = new double[n];
    double maxLoss = 1e-9;
    for (int i = 0; i < n; i++) {
      TrainingHistory.Epoch e = epochs.get(i);
      x[i] = e.epoch();
      loss[i] = Double.isNaN(e.meanLoss()) ? 0 : e.meanLoss();
      maxLoss = Math.max(maxLoss, loss[i]);
      active[i] = e.triplets() == 0 ? 0 : (double) e.active() / e.triplets();
      semi[i] = e.triplets() == 0 ? 0 : (double) e.semiHard() / e.triplets();
      acc[i] = e.heldOutAccuracy();
      auc[i] = e.heldOutAuc();
    }
    double xMax = Math.max(1, n - 1);
    List<String> charts = new ArrayList<>();
    charts.add(new SvgLineChart("Triplet loss per mined triplet", "epoch", "loss")
        .range(0, xMax, 0, maxLoss * 1.1).series("mean loss", "#1f77b4", x, loss)
        .render(420, 300));
    charts.add(new SvgLineChart("Mined triplets", "epoch", "share of triplets")
        .range(0, xMax, 0, 1).series("active (loss > 0)", "#d62728", x, active)
        .series("semi-hard", "#2ca02c", x, semi).render(420, 300));
    if (history.heldOutPairs() > 0) {
      double lo = 1;
      for (int i = 0; i < n; i++) {
        lo = Math.min(lo, Math.min(acc[i], auc[i]));
      }
      lo = Math.max(0, Math.floor(lo * 20 - 1) / 20);
      charts.add(new SvgLineChart("Held-out people", "epoch", "")
          .range(0, xMax, lo, 1).series("k-fold accuracy", "#1f77b4", x, acc)
          .series("AUC", "#ff7f0e", x, auc).render(420, 300));
    }
    page.heading(2, "Curves");
    page.charts(charts.toArray(new String[0]));
    page.note("Epoch 0 is the untrained adapter (the plain encoder, normalised): its triplets are "
        + "mined and its held-out accuracy measured without a training step. A falling loss says "
        + "the adapter fits the training people; only the held-out curve says whether that "
        + "carries over to others.");

    List<List<String>> table = new ArrayList<>();
    for (TrainingHistory.Epoch e : epochs) {
      table.add(List.of(Integer.toString(e.epoch()), fmt(e.meanLoss(), 4),
          Integer.toString(e.triplets()), Integer.toString(e.active()),
          Integer.toString(e.semiHard()), Integer.toString(e.hard()),
          pct(e.heldOutAccuracy()), fmt(e.heldOutAuc(), 4), pct(e.heldOutTarAtFar1e3()),
          fmt(e.seconds(), 1)));
    }
    page.heading(2, "Epochs");
    page.table(List.of("epoch", "mean loss", "triplets", "active", "semi-hard", "hard",
        "held-out accuracy", "held-out AUC", "held-out TAR @ FAR 1e-3", "seconds"), table);
    return page;
  }

  private static String fmt(double v, int digits) {
    return Double.isNaN(v) ? "-" : String.format(Locale.ROOT, "%." + digits + "f", v);
  }

  private static String pct(double v) {
    return Double.isNaN(v) ? "-" : String.format(Locale.ROOT, "%.2f%%", 100 * v);
  }
}
