package org.facerec.jobs;

import java.io.IOException;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.spark.sql.Row;
import org.facerec.eval.Calibration;
import org.facerec.eval.MetricsJson;
import org.facerec.eval.OperatingPoint;
import org.facerec.eval.PairDistances;

/**
 * The threshold for a target false accept rate, on labelled pairs: the highest threshold whose FAR
 * over the impostor pairs is at most the target, so the fewest false rejects at that FAR. The
 * pairs come from a pairs file and its images (encoded as evaluate encodes them) or from the
 * {@code pairs.csv} of an earlier evaluate (no encoding). A pair with a failed image is an error
 * at every threshold, as in evaluate. The threshold is printed with the FAR and FRR it measures
 * and written as {@code facerec.threshold.<model id>} into a conf file, which verify and identify
 * read with {@code --conf} (or, for the installation, its conf/facerec.conf).
 */
public final class CalibrateJob {
  /**
   * @param pairs a pairs file, with {@code images}; or null and {@code distances}
   * @param distances the pairs.csv of an evaluate run
   * @param model the model the command asked for, or null (with {@code distances}, the one that
   *     wrote them)
   * @param write the conf file to set the threshold in, or null
   * @param json where to write the calibration as JSON, or null
   */
  public record Request(String pairs, String images, String distances, double far, String model,
      java.nio.file.Path write, String json) {}

  static final String WRITER = "facerec calibrate";

  private CalibrateJob() {}

  public static Summary run(Run run, Request req) throws IOException {
    if (!(req.far() > 0 && req.far() < 1)) {
      throw new IllegalArgumentException("--far must be between 0 and 1, got " + req.far());
    }
    String model;
    PairDistances d;
    String source;
    Map<String, Long> counts = Map.of();
    long images = 0;
    if (req.distances() != null) {
      source = req.distances();
      List<Row> rows = readDistances(run, req.distances());
      List<String> models = rows.stream().map(r -> r.getString(2)).distinct().toList();
      if (models.size() != 1 || models.get(0) == null) {
        throw new IOException(req.distances() + " holds distances of models " + models
            + "; calibrate needs those of one");
      }
      model = models.get(0);
      if (req.model() != null && !req.model().equals(model)) {
        throw new IOException(req.distances() + " holds distances of model " + model
            + ", not of " + req.model());
      }
      int n = rows.size();
      double[] distance = new double[n];
      boolean[] same = new boolean[n];
      boolean[] failed = new boolean[n];
      for (int i = 0; i < n; i++) {
        Row r = rows.get(i);
        same[i] = "1".equals(r.getString(0)) || "true".equalsIgnoreCase(r.getString(0));
        failed[i] = r.isNullAt(1);
        distance[i] = failed[i] ? Double.NaN : Double.parseDouble(r.getString(1));
      }
      d = new PairDistances(new int[n], distance, same, failed);
    } else {
      source = req.pairs();
      EvaluateJob.Verification v = EvaluateJob.verification(run, req.pairs(), req.images());
      model = run.model().id();
      d = v.distances();
      counts = new java.util.TreeMap<>();
      for (EvaluateJob.Encoded e : v.images().values()) {
        counts.merge(e.status(), 1L, Long::sum);
      }
      images = v.images().size();
    }
    Calibration c = Calibration.forTargetFar(req.far(), d.distance(), d.same(), d.failed());
    OperatingPoint p = c.point();
    if (!c.met()) {
      throw new IOException(String.format(Locale.ROOT, "no threshold gives FAR %s or less: %d of "
          + "%d impostor pairs have a failed image, which is a false accept at every threshold",
          req.far(), p.impostorsAccepted(), p.impostors()));
    }
    String measured = String.format(Locale.ROOT, "FAR %s (%d of %d impostor pairs), FRR %s (%d "
        + "of %d genuine pairs)", EvaluateJob.pct(p.far()), p.impostorsAccepted(),
        p.impostors(), EvaluateJob.pct(p.frr()), p.falseRejects(), p.genuine());
    String key = Settings.THRESHOLD_PREFIX + model;
    if (req.write() != null) {
      Settings.writeKey(req.write(), key, Double.toString(c.threshold()), WRITER,
          String.format(Locale.ROOT, "target FAR %s on %s, %s: %s", req.far(), source,
              LocalDate.now(ZoneOffset.UTC), measured));
    }
    if (req.json() != null) {
      Outputs.writeText(run.spark(), req.json(), MetricsJson.toJson(c.flat(model)) + "\n");
    }

    Map<String, String> facts = new LinkedHashMap<>();
    facts.put("model", model);
    if (req.distances() == null) {
      facts.put("faces", run.faces());
    }
    facts.put("pairs", String.format(Locale.ROOT, "%d from %s (%d genuine, %d impostor)",
        d.size(), source, p.genuine(), p.impostors()));
    facts.put("target FAR", Double.toString(req.far()));
    facts.put("threshold", Double.toString(c.threshold()) + " (distance < threshold accepts)");
    facts.put("measured", measured);
    if (req.far() < 1.0 / p.impostors()) {
      facts.put("note", String.format(Locale.ROOT, "with %d impostor pairs the smallest FAR "
          + "above 0 is %s: the target means no false accept at all here; measure on more "
          + "impostor pairs to calibrate it", p.impostors(),
          EvaluateJob.pct(1.0 / p.impostors())));
    }
    if (req.write() != null) {
      facts.put("written", key + " = " + c.threshold() + " in " + req.write());
    }
    if (req.json() != null) {
      facts.put("output", req.json());
    }
    return new Summary("calibrate", counts, images, run.elapsedSeconds(), facts);
  }

  /** {@code same, distance, model_id} of each row of an evaluate's pairs.csv. */
  private static List<Row> readDistances(Run run, String csv) throws IOException {
    if (!Inputs.exists(run.spark(), csv)) {
      throw new IOException("distances file " + csv + " does not exist");
    }
    org.apache.spark.sql.Dataset<Row> t = run.spark().read().option("header", "true")
        .csv(Inputs.qualified(run.spark(), csv).toString());
    List<String> need = List.of("same", "distance", "model_id");
    if (!Arrays.asList(t.columns()).containsAll(need)) {
      throw new IOException(csv + " is not the pairs.csv of facerec evaluate (its header lacks "
          + "one of " + need + ")");
    }
    return t.select("same", "distance", "model_id").collectAsList();
  }
}
