package org.facerec.jobs;

import static org.apache.spark.sql.functions.col;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.facerec.config.FaceConfig;
import org.facerec.config.Settings;
import org.facerec.io.ResidentsTable;
import org.facerec.learn.AdapterTrainer;
import org.facerec.learn.PairSet;
import org.facerec.learn.TrainingConfig;
import org.facerec.learn.TrainingHistory;
import org.facerec.model.Adapter;
import org.facerec.pipeline.FaceStatus;
import org.facerec.report.Format;
import org.facerec.report.TrainingReport;
import org.facerec.spark.Embeddings;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Learns an adapter from the installation's own labelled faces: the photos of a folder (one
 * folder per person, enroll's layouts) encoded by the jobs' encoding stage with enroll's face
 * options, or the encodings of a residents table (resident_id is the label); then, on the
 * driver, {@link AdapterTrainer} (triplet loss, semi-hard negatives mined in batches of P people
 * x K photos). A few people are held out of training and their pairs checked after every epoch,
 * so that the report shows whether what was learnt carries over to people training never saw.
 * Writes the adapter as {@code <id>.adapter} into {@code facerec.adapters.dir}, where every job
 * finds it by id ({@code --model <id>}), and beside it (or into {@code out}) its training report
 * ({@code <id>-report.html}) and history ({@code <id>-history.csv}).
 *
 * <p>The encoder must be a plain one: an adapter is trained on the base encoder's encodings.
 */
public final class TrainJob {
  private static final Logger LOG = LoggerFactory.getLogger(TrainJob.class);
  /** Fewer held-out people than this give too few pairs to measure anything. */
  static final int MIN_HELD_OUT = 4;

  /**
   * @param images a folder of photos (or null)
   * @param manifest a CSV resident_id,path (or null)
   * @param table a residents table of the base encoder (or null)
   * @param out where the report and history go; null: the adapters folder
   * @param heldOut people held out of training to check it; null: a fifth of them when that is
   *     at least {@value #MIN_HELD_OUT}, else none
   */
  public record Request(String images, String manifest, String imagesRoot, String table,
      String out, TrainingConfig training, Integer heldOut) {}

  private TrainJob() {}

  public static Summary run(Run run, Request req) throws IOException {
    if (run.model().adapted()) {
      throw new IllegalArgumentException("train learns an adapter on a plain encoder's "
          + "encodings; run it with --model " + run.model().base().id() + ", not "
          + run.model().id());
    }
    Path adaptersDir = run.config().model().adaptersDir();
    if (adaptersDir == null) {
      throw new IllegalArgumentException("setting " + Settings.ADAPTERS_DIR + " is not set");
    }
    Map<String, Long> counts = new TreeMap<>();
    Map<String, List<float[]>> people = new TreeMap<>();
    long images = req.table() != null ? fromTable(run, req.table(), people, counts)
        : fromImages(run, req, people, counts);

    Random random = new Random(req.training().seed());
    List<String> usable = new ArrayList<>();
    people.forEach((id, photos) -> {
      if (photos.size() >= 2) {
        usable.add(id);
      }
    });
    Collections.shuffle(usable, random);
    int held = req.heldOut() != null ? req.heldOut()
        : usable.size() / 5 >= MIN_HELD_OUT ? usable.size() / 5 : 0;
    if (held != 0 && (held < MIN_HELD_OUT || usable.size() - held < 2)) {
      throw new IllegalArgumentException(String.format(Locale.ROOT, "cannot hold out %d of %d "
          + "people with two usable photos or more: hold out 0, or %d to %d", held,
          usable.size(), MIN_HELD_OUT, usable.size() - 2));
    }
    Map<String, List<float[]>> check = new TreeMap<>();
    for (String id : usable.subList(0, held)) {
      check.put(id, people.remove(id));
    }
    PairSet heldOut = check.isEmpty() ? null : PairSet.fromPeople(check, 2, req.training().seed());

    String base = run.model().id();
    AdapterTrainer.Result r = AdapterTrainer.train(base, people, heldOut, req.training(),
        e -> LOG.info("train {}", e.describe()));
    Adapter adapter = r.adapter();
    TrainingHistory h = r.history();
    Path file = adaptersDir.resolve(Adapter.fileName(adapter.id()));
    adapter.write(file);
    String outDir = req.out() != null ? req.out() : adaptersDir.toString();
    String report = outDir + "/" + adapter.id() + "-report.html";
    String history = outDir + "/" + adapter.id() + "-history.csv";

    Map<String, String> facts = new LinkedHashMap<>();
    facts.put("base model", base);
    if (req.table() == null) {
      facts.put("faces", run.faces());
    }
    facts.put("trained on", String.format(Locale.ROOT, "%d people, %d photos (%s)", h.people(),
        h.photos(), req.table() != null ? "residents table " + req.table()
            : req.images() != null ? req.images() : req.manifest()));
    facts.put("held out", heldOut == null ? "none (too few people to check on others; the "
        + "report has no held-out curve)" : String.format(Locale.ROOT, "%d people, %d pairs",
            check.size(), heldOut.size()));
    facts.put("training", h.config().toString());
    TrainingHistory.Epoch first = h.epochs().get(0);
    TrainingHistory.Epoch last = h.last();
    facts.put("loss", String.format(Locale.ROOT, "%.4f untrained, %.4f after epoch %d",
        first.meanLoss(), last.meanLoss(), last.epoch()));
    if (heldOut != null) {
      facts.put("held-out accuracy", String.format(Locale.ROOT, "%s untrained (plain encoder), "
          + "%s trained; AUC %.4f -> %.4f", Format.pct(first.heldOutAccuracy()),
          Format.pct(last.heldOutAccuracy()), first.heldOutAuc(), last.heldOutAuc()));
    }
    facts.put("adapter", adapter.toString());
    facts.put("suggested threshold", String.format(Locale.ROOT, "%.4f (set facerec.threshold.%s"
        + " or run facerec calibrate --model %s to change it)", adapter.threshold(),
        adapter.id(), adapter.id()));
    facts.put("written", file.toString());
    facts.put("report", report);
    facts.put("use it", "--model " + adapter.id() + " (or --set " + Settings.MODEL + "="
        + adapter.id() + "); tables enrolled with it hold its id and mix with no other model");

    Map<String, String> described = new LinkedHashMap<>();
    described.put("trained on", facts.get("trained on"));
    described.put("held out", facts.get("held out"));
    if (req.table() == null) {
      described.put("faces", run.faces());
    }
    run.tables().writeText(report, TrainingReport.page(described, adapter, h).render());
    run.tables().writeText(history, h.toCsv());
    return new Summary("train", counts, images, run.elapsedSeconds(), facts);
  }

  /** The folder's or manifest's photos, encoded as enroll encodes them; OK ones kept. */
  private static long fromImages(Run run, Request req, Map<String, List<float[]>> people,
      Map<String, Long> counts) throws IOException {
    Dataset<Row> inputs = EnrollJob.labelled(run, req.images(), req.manifest(), req.imagesRoot());
    Dataset<Row> encoded = run.encode(inputs, FaceConfig.ENROLL, null)
        .select("resident_id", "status", "embedding").cache();
    long n = 0;
    for (Row r : encoded.collectAsList()) {
      n++;
      counts.merge(r.getString(1), 1L, Long::sum);
      if (FaceStatus.OK.name().equals(r.getString(1)) && !r.isNullAt(0) && !r.isNullAt(2)) {
        people.computeIfAbsent(r.getString(0), k -> new ArrayList<>()).add(Embeddings.of(r, 2));
      }
    }
    return n;
  }

  /** The usable encodings of a residents table of the run's (plain) model. */
  private static long fromTable(Run run, String table, Map<String, List<float[]>> people,
      Map<String, Long> counts) throws IOException {
    Dataset<Row> t = ResidentsTable.usable(run.tables(), table, run.model().id(), null).rows()
        .filter(col("embedding").isNotNull()).select("resident_id", "embedding");
    long n = 0;
    for (Row r : t.collectAsList()) {
      if (!r.isNullAt(0)) {
        people.computeIfAbsent(r.getString(0), k -> new ArrayList<>()).add(Embeddings.of(r, 1));
        n++;
      }
    }
    counts.put("encodings read", n);
    return 0;
  }
}
