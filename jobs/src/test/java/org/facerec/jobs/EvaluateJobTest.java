package org.facerec.jobs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import org.apache.spark.sql.Row;
import org.facerec.LfwDev;
import org.facerec.eval.Pair;
import org.facerec.eval.PairsFile;
import org.facerec.image.Crop;
import org.facerec.image.Framing;
import org.facerec.image.RgbImage;
import org.facerec.match.Distances;
import org.facerec.model.FaceEncoder;
import org.facerec.model.FaceModel;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * evaluate and calibrate through the command line on lfw-dev subsets, with the LFW framing preset
 * and no detection (fast). Every metric is checked against a brute-force computation in this
 * test, from encodings made without Spark (mirror-averaged, as the jobs encode by default): the
 * k-fold protocol and the calibration by trying every threshold, the AUC by comparing every
 * genuine pair with every impostor pair, the ranks by sorting each probe's gallery distances.
 */
class EvaluateJobTest extends SparkTest {
  static final String[] NO_DETECTION = {"--align", "none", "--framing", "lfw"};
  @TempDir
  static Path dir;
  static Path images;
  /** 5 folds x (20 genuine + 20 impostor) pairs, written as CSV and as pairs.txt. */
  static List<Pair> pairs;
  static Path csv;
  static Path out;
  static Map<String, float[]> enc;
  /** 2 folds x (10 + 10) pairs over a copy of their images, one corrupt and one missing. */
  static List<Pair> small;
  static Path brokenRoot;
  static String corrupt;
  static String missing;

  @BeforeAll
  static void evaluateTheSubset() throws IOException {
    images = LfwDev.root().resolve("images");
    pairs = LfwDev.pairs(5, 20);
    csv = writeCsv(dir.resolve("pairs.csv"), pairs);
    out = dir.resolve("eval");
    ok(args("evaluate", "--pairs", csv.toString(), "--images", images.toString(), "--out",
        out.toString()));
    enc = encodings(PairsFile.distinctPaths(pairs));

    small = LfwDev.pairs(2, 10);
    brokenRoot = dir.resolve("broken");
    for (String p : PairsFile.distinctPaths(small)) {
      Files.createDirectories(brokenRoot.resolve(p).getParent());
      Files.copy(images.resolve(p), brokenRoot.resolve(p));
    }
    corrupt = small.get(0).path1(); // in a genuine pair
    missing = small.stream().filter(p -> !p.same()).findFirst().orElseThrow().path2();
    Files.write(brokenRoot.resolve(corrupt), new byte[] {(byte) 0xFF, (byte) 0xD8, 1, 2, 3});
    Files.delete(brokenRoot.resolve(missing));
  }

  @Test
  void verificationMetricsEqualBruteForce() throws IOException {
    Map<String, Object> m = json(out.resolve("metrics.json"));
    assertThat(m).containsOnlyKeys("accuracy_mean", "accuracy_std", "auc", "eer",
        "tar_at_far_1e-2", "tar_at_far_1e-3", "threshold", "pairs", "model_id", "failed_images");
    assertThat(m).containsEntry("pairs", 200).containsEntry("failed_images", 0)
        .containsEntry("model_id", "dlib-resnet-v1");

    // the job's distances are those of encodings made without Spark
    List<Row> rows = pairsCsv(out);
    assertThat(rows).hasSize(pairs.size());
    double[] d = new double[pairs.size()];
    for (int i = 0; i < d.length; i++) {
      Pair p = pairs.get(i);
      Row r = rows.get(i);
      assertThat(List.of(r.getString(0), r.getString(1), r.getString(2), r.getString(3)))
          .containsExactly(Integer.toString(p.fold()), p.path1(), p.path2(), p.same() ? "1" : "0");
      d[i] = Distances.l2(enc.get(p.path1()), enc.get(p.path2()));
      assertThat(Double.parseDouble(r.getString(4))).isCloseTo(d[i], within(1e-5));
    }
    Brute b = new Brute(pairs, d, new boolean[d.length]);
    assertThat((double) m.get("accuracy_mean")).isCloseTo(b.kFoldMean(), within(1e-9));
    assertThat((double) m.get("accuracy_std")).isCloseTo(b.kFoldStd(), within(1e-9));
    assertThat((double) m.get("auc")).isCloseTo(b.auc(), within(1e-9));
    assertThat((double) m.get("tar_at_far_1e-2")).isEqualTo(b.tarAtFar(1e-2));
    assertThat((double) m.get("tar_at_far_1e-3")).isEqualTo(b.tarAtFar(1e-3));
    // EER interpolates on the ROC: within one pair of the best min-max error rate
    assertThat((double) m.get("eer")).isCloseTo(b.minMaxError(), within(1.0 / 100));
    // no threshold is more accurate on all pairs than the one reported
    double t = (double) m.get("threshold");
    assertThat(b.accuracy(t, b.all())).isEqualTo(b.bestAccuracy(b.all()));
    System.out.printf(Locale.ROOT, "evaluate on 200 lfw-dev pairs: accuracy %.2f%% (brute "
        + "force %.2f%%), AUC %.4f%n", 100 * (double) m.get("accuracy_mean"), 100 * b.kFoldMean(),
        b.auc());

    String report = Files.readString(out.resolve("report.html"));
    assertThat(report).contains("<svg", "ROC (AUC", "Pair distances", "False rejects",
        "data:image/jpeg;base64,", "Failed images (0)");
    assertThat(Files.readAllLines(out.resolve("failed_images.csv")))
        .containsExactly("image,status,error");
  }

  @Test
  void pairsTxtGivesWhatTheCsvGives() throws IOException {
    // LFW's format: "folds n", then per fold n lines "name i j" and n lines "name1 i name2 j"
    List<String> lines = new ArrayList<>(List.of("5\t20"));
    for (Pair p : pairs) {
      String[] a = nameAndNumber(p.path1());
      String[] b = nameAndNumber(p.path2());
      lines.add(p.same() ? a[0] + "\t" + a[1] + "\t" + b[1]
          : a[0] + "\t" + a[1] + "\t" + b[0] + "\t" + b[1]);
    }
    Path txt = Files.write(dir.resolve("pairs.txt"), lines);
    Path txtOut = dir.resolve("eval-txt");
    ok(args("evaluate", "--pairs", txt.toString(), "--images", images.toString(), "--out",
        txtOut.toString()));
    Map<String, Object> fromCsv = json(out.resolve("metrics.json"));
    Map<String, Object> fromTxt = json(txtOut.resolve("metrics.json"));
    assertThat(fromTxt.keySet()).isEqualTo(fromCsv.keySet());
    fromCsv.forEach((k, v) -> {
      if (v instanceof Double x) {
        assertThat((double) fromTxt.get(k)).as(k).isCloseTo(x, within(1e-9));
      } else {
        assertThat(fromTxt.get(k)).as(k).isEqualTo(v);
      }
    });
    List<Row> a = pairsCsv(out);
    List<Row> b = pairsCsv(txtOut);
    for (int i = 0; i < a.size(); i++) {
      assertThat(b.get(i).getString(1)).isEqualTo(a.get(i).getString(1));
      assertThat(Double.parseDouble(b.get(i).getString(4)))
          .isCloseTo(Double.parseDouble(a.get(i).getString(4)), within(1e-9));
    }
  }

  @Test
  void failedImagesAreCountedListedAndTheirPairsAreErrors() throws IOException {
    Path csvSmall = writeCsv(dir.resolve("small.csv"), small);
    Path o = dir.resolve("eval-broken");
    Result r = ok(args("evaluate", "--pairs", csvSmall.toString(), "--images",
        brokenRoot.toString(), "--out", o.toString()));
    assertThat(r.out()).containsPattern("BAD_IMAGE +2").containsPattern("OK +\\d+");

    Map<String, Object> m = json(o.resolve("metrics.json"));
    assertThat(m).containsEntry("failed_images", 2).containsEntry("pairs", 40);
    List<String> failedCsv = Files.readAllLines(o.resolve("failed_images.csv"));
    assertThat(failedCsv).hasSize(3);
    assertThat(String.join("\n", failedCsv))
        .contains(corrupt + ",BAD_IMAGE,cannot decode image")
        .contains(missing + ",BAD_IMAGE,file not found");

    List<Row> rows = pairsCsv(o);
    double[] d = new double[small.size()];
    boolean[] failed = new boolean[small.size()];
    Map<String, float[]> e = encodings(PairsFile.distinctPaths(small));
    int failedPairs = 0;
    for (int i = 0; i < d.length; i++) {
      Pair p = small.get(i);
      failed[i] = List.of(corrupt, missing).contains(p.path1())
          || List.of(corrupt, missing).contains(p.path2());
      Row row = rows.get(i);
      if (failed[i]) {
        failedPairs++;
        assertThat(row.isNullAt(4)).isTrue();
        assertThat(row.getString(5)).containsAnyOf(corrupt, missing).contains("BAD_IMAGE");
      } else {
        d[i] = Distances.l2(e.get(p.path1()), e.get(p.path2()));
        assertThat(row.getString(5)).isNull();
      }
    }
    assertThat(failedPairs).isGreaterThanOrEqualTo(2);
    // errors at every threshold: the brute force counts a failed pair wrong whatever t is
    Brute b = new Brute(small, d, failed);
    assertThat((double) m.get("accuracy_mean")).isCloseTo(b.kFoldMean(), within(1e-9));
    assertThat((double) m.get("auc")).isCloseTo(b.auc(), within(1e-9));
    assertThat((double) m.get("accuracy_mean")).isLessThanOrEqualTo(1 - failedPairs / 40.0);

    String report = Files.readString(o.resolve("report.html"));
    assertThat(report).contains("Failed images (2)", corrupt, missing);
  }

  @Test
  void identificationRanksAndOpenSetRateEqualBruteForce() throws IOException {
    // 40 people with several images and 10 with one (not used), one probe image corrupt
    Path root = dir.resolve("people");
    Map<String, List<String>> byPerson = new TreeMap<>();
    for (String p : LfwDev.paths()) {
      byPerson.computeIfAbsent(p.substring(0, p.indexOf('/')), k -> new ArrayList<>()).add(p);
    }
    List<String> used = new ArrayList<>();
    int several = 0;
    int single = 0;
    for (List<String> photos : byPerson.values()) {
      if (photos.size() >= 2 && several < 40) {
        several++;
      } else if (photos.size() == 1 && single < 10) {
        single++;
      } else {
        continue;
      }
      for (String p : photos) {
        Files.createDirectories(root.resolve(p).getParent());
        Files.copy(images.resolve(p), root.resolve(p));
        used.add(p);
      }
    }
    String badProbe = byPerson.values().stream().filter(l -> l.size() >= 2).findFirst()
        .orElseThrow().get(1);
    Files.writeString(root.resolve(badProbe), "not a jpeg");
    Path o = dir.resolve("ident");
    ok(args("evaluate", "--identification", "--images", root.toString(), "--out", o.toString(),
        "--strangers", "0.25"));
    Map<String, Object> m = json(o.resolve("metrics.json"));
    assertThat(m).containsOnlyKeys("rank1", "rank5", "dir_at_far_1e-2", "probes", "gallery",
        "model_id", "failed_images");

    // the split: the job's strangers (probes.csv says which), the rest's first image in the
    // gallery
    TreeSet<String> strangers = new TreeSet<>();
    for (Row r : spark.read().option("header", "true").csv(o.resolve("probes.csv").toString())
        .collectAsList()) {
      if (Boolean.parseBoolean(r.getAs("stranger"))) {
        strangers.add(r.getAs("identity"));
      }
    }
    assertThat(strangers).hasSize(10); // a quarter of the 40 people who can be probed
    List<String> gallery = new ArrayList<>();
    List<String> probes = new ArrayList<>();
    List<String> probeIdentity = new ArrayList<>();
    byPerson.forEach((person, photos) -> {
      if (photos.size() < 2 || !used.contains(photos.get(0))) {
        return;
      }
      List<String> sorted = photos.stream().sorted().toList();
      if (!strangers.contains(person)) {
        gallery.add(sorted.get(0));
      }
      for (String p : strangers.contains(person) ? sorted : sorted.subList(1, sorted.size())) {
        probes.add(p);
        probeIdentity.add(person);
      }
    });
    assertThat(m).containsEntry("gallery", 30).containsEntry("probes", probes.size())
        .containsEntry("failed_images", 1).containsEntry("model_id", "dlib-resnet-v1");

    Map<String, float[]> e = encodings(used);
    int mates = 0;
    int rank1 = 0;
    int rank5 = 0;
    List<double[]> mateTop = new ArrayList<>(); // {top-1 distance, 1 when right}
    List<Double> strangerTop = new ArrayList<>();
    for (int i = 0; i < probes.size(); i++) {
      String probe = probes.get(i);
      boolean stranger = strangers.contains(probeIdentity.get(i));
      mates += stranger ? 0 : 1;
      if (probe.equals(badProbe)) { // never identified; as a stranger, always accepted
        if (stranger) {
          strangerTop.add(Double.NEGATIVE_INFINITY);
        }
        continue;
      }
      List<Map.Entry<String, Double>> byDistance = new ArrayList<>();
      for (String g : gallery) {
        byDistance.add(Map.entry(g, Distances.l2(e.get(probe), e.get(g))));
      }
      byDistance.sort(Map.Entry.comparingByValue());
      String top = byDistance.get(0).getKey();
      if (stranger) {
        strangerTop.add(byDistance.get(0).getValue());
        continue;
      }
      int rank = 1;
      while (!byDistance.get(rank - 1).getKey().startsWith(probeIdentity.get(i) + "/")) {
        rank++;
      }
      rank1 += rank == 1 ? 1 : 0;
      rank5 += rank <= 5 ? 1 : 0;
      mateTop.add(new double[] {byDistance.get(0).getValue(),
          top.startsWith(probeIdentity.get(i) + "/") ? 1 : 0});
    }
    assertThat((double) m.get("rank1")).isCloseTo((double) rank1 / mates, within(1e-12));
    assertThat((double) m.get("rank5")).isCloseTo((double) rank5 / mates, within(1e-12));
    // DIR at FAR 1e-2: the best rate of right top-1 matches under a threshold that accepts at
    // most 1% of the stranger probes, over every threshold
    List<Double> ts = new ArrayList<>(strangerTop);
    mateTop.forEach(x -> ts.add(x[0]));
    ts.add(Double.POSITIVE_INFINITY);
    double dir = 0;
    for (double t : ts) {
      long fa = strangerTop.stream().filter(x -> x < t).count();
      if (fa <= 0.01 * strangerTop.size()) {
        long hits = mateTop.stream().filter(x -> x[1] == 1 && x[0] < t).count();
        dir = Math.max(dir, (double) hits / mates);
      }
    }
    assertThat((double) m.get("dir_at_far_1e-2")).isCloseTo(dir, within(1e-12));
    System.out.printf(Locale.ROOT, "evaluate --identification on 40 lfw-dev people: rank-1 "
        + "%.2f%%, rank-5 %.2f%%, DIR@1e-2 %.2f%%%n", 100.0 * rank1 / mates,
        100.0 * rank5 / mates, 100 * dir);
    assertThat(Files.readString(o.resolve("report.html")))
        .contains("Cumulative match characteristic", badProbe);
  }

  @Test
  void calibrateWritesTheThresholdThatVerifyThenUses() throws IOException {
    Path conf = Files.writeString(dir.resolve("lfw.conf"), String.join("\n",
        "# my LFW settings",
        "facerec.align = none",
        "facerec.framing = lfw",
        "# dlib's usual threshold",
        "facerec.threshold.dlib-resnet-v1 = 0.6",
        "facerec.threshold.openface-nn4small2-v1 = 0.7", ""));
    Path json = dir.resolve("calibration.json");
    Result r = ok("calibrate", "--distances", out.resolve("pairs.csv").toString(), "--far",
        "0.05", "--write", conf.toString(), "--json", json.toString());

    // brute force: of all thresholds with FAR <= 5% the one with the most genuine accepts
    List<Row> rows = pairsCsv(out);
    double[] d = new double[pairs.size()];
    for (int i = 0; i < d.length; i++) {
      d[i] = Double.parseDouble(rows.get(i).getString(4));
    }
    Brute b = new Brute(pairs, d, new boolean[d.length]);
    Map<String, Object> c = json(json);
    double t = (double) c.get("threshold");
    assertThat(b.far(t)).isLessThanOrEqualTo(0.05);
    assertThat(b.tar(t)).isEqualTo(b.tarAtFar(0.05));
    assertThat((double) c.get("far")).isCloseTo(b.far(t), within(1e-12));
    assertThat((double) c.get("frr")).isCloseTo(1 - b.tar(t), within(1e-12));
    assertThat(c).containsEntry("met", true).containsEntry("impostors", 100)
        .containsEntry("model_id", "dlib-resnet-v1");
    // the highest such: the next distance up would let one more impostor in
    double next = Arrays.stream(d).filter(x -> x >= t).min().orElseThrow();
    assertThat(b.far(Math.nextUp(next))).isGreaterThan(0.05);
    assertThat(r.out()).contains("threshold: " + t, String.format(Locale.ROOT,
        "FAR %.2f%%", 100 * b.far(t)), String.format(Locale.ROOT, "FRR %.2f%%",
        100 * (1 - b.tar(t))));

    List<String> lines = Files.readAllLines(conf);
    assertThat(lines).containsSubsequence("# my LFW settings", "facerec.align = none",
        "facerec.framing = lfw", "# dlib's usual threshold",
        "facerec.threshold.dlib-resnet-v1 = " + t,
        "facerec.threshold.openface-nn4small2-v1 = 0.7");
    assertThat(lines.get(lines.indexOf("facerec.threshold.dlib-resnet-v1 = " + t) - 1))
        .startsWith("# facerec calibrate: target FAR 0.05 on ");
    assertThat(lines).hasSize(7);

    // verify with that conf: its threshold, and decisions by it
    Pair genuine = pairs.get(0);
    Files.write(dir.resolve("residents.csv"), List.of("resident_id,path",
        "them," + images.resolve(genuine.path1())));
    Files.write(dir.resolve("events.csv"), List.of("event_id,image_path,claimed_id",
        "e1," + images.resolve(genuine.path2()) + ",them"));
    ok("enroll", "--manifest", dir.resolve("residents.csv").toString(), "--table",
        dir.resolve("residents").toString(), "--conf", conf.toString());
    Result v = ok("verify", "--events", dir.resolve("events.csv").toString(), "--table",
        dir.resolve("residents").toString(), "--out", dir.resolve("audit").toString(), "--conf",
        conf.toString());
    assertThat(v.out()).contains(String.format(Locale.ROOT, "threshold: %.4f", t));
    Row e1 = parquet(dir.resolve("audit").resolve("verify.parquet")).first();
    assertThat(e1.<Double>getAs("threshold")).isEqualTo(t);
    assertThat(e1.<String>getAs("decision"))
        .isEqualTo(e1.<Double>getAs("distance") < t ? "ACCEPT" : "REJECT");

    // pairs whose images fail count as errors: a failed impostor pair is a false accept at
    // every threshold, so a target FAR below its share cannot be met
    Path smallCsv = writeCsv(dir.resolve("small-calibrate.csv"), small);
    long failedImpostors = small.stream().filter(p -> !p.same()
        && (List.of(corrupt, missing).contains(p.path1())
        || List.of(corrupt, missing).contains(p.path2()))).count();
    Result cannot = facerec(args("calibrate", "--pairs", smallCsv.toString(), "--images",
        brokenRoot.toString(), "--far", "0.01", "--write", conf.toString()));
    assertThat(cannot.exitCode()).isEqualTo(1);
    assertThat(cannot.err().strip()).isEqualTo("facerec calibrate: no threshold gives FAR 0.01 "
        + "or less: " + failedImpostors + " of 20 impostor pairs have a failed image, which is "
        + "a false accept at every threshold");
    assertThat(Files.readAllLines(conf)).isEqualTo(lines); // not written
  }

  // --- helpers and the brute force ---

  /**
   * The encodings the jobs make by default, made here without Spark: each image framed by the
   * LFW preset, its chip and the chip's mirror image encoded, their mean kept
   * ({@code facerec.encode.mirror}).
   */
  static Map<String, float[]> encodings(Collection<String> paths) {
    Map<String, float[]> out = new HashMap<>();
    List<String> todo = new ArrayList<>(new LinkedHashSet<>(paths));
    try (FaceEncoder encoder = LfwDev.encoder()) {
      FaceModel model = encoder.faceModel();
      for (int from = 0; from < todo.size(); from += 16) {
        List<String> batch = todo.subList(from, Math.min(todo.size(), from + 16));
        List<RgbImage> chips = new ArrayList<>();
        for (String p : batch) {
          RgbImage chip = Framing.LFW.apply(LfwDev.image(p), model.inputSize());
          chips.add(chip);
          chips.add(Crop.mirror(chip));
        }
        float[][] e = encoder.encode(chips);
        for (int i = 0; i < batch.size(); i++) {
          out.put(batch.get(i), model.combine(e[2 * i], e[2 * i + 1]));
        }
      }
    }
    return out;
  }

  static String[] args(String... a) {
    List<String> all = new ArrayList<>(List.of(a));
    all.addAll(List.of(NO_DETECTION));
    return all.toArray(new String[0]);
  }

  static Path writeCsv(Path file, List<Pair> list) throws IOException {
    List<String> lines = new ArrayList<>(List.of("fold,path1,path2,same"));
    for (Pair p : list) {
      lines.add(p.fold() + "," + p.path1() + "," + p.path2() + "," + (p.same() ? 1 : 0));
    }
    return Files.write(file, lines);
  }

  /** {name, number} of name/name_000N.jpg. */
  static String[] nameAndNumber(String path) {
    String name = path.substring(0, path.indexOf('/'));
    String n = path.substring(path.lastIndexOf('_') + 1, path.lastIndexOf('.'));
    return new String[] {name, Integer.toString(Integer.parseInt(n))};
  }

  @SuppressWarnings("unchecked")
  static Map<String, Object> json(Path file) throws IOException {
    return new ObjectMapper().readValue(file.toFile(), LinkedHashMap.class);
  }

  /** The job's pairs.csv rows (all strings), in file order. */
  static List<Row> pairsCsv(Path evalOut) {
    return spark.read().option("header", "true").csv(evalOut.resolve("pairs.csv").toString())
        .select("fold", "path1", "path2", "same", "distance", "error").collectAsList();
  }

  /**
   * The metrics by trying every threshold: the thresholds that matter are the midpoints between
   * consecutive distinct distances and one on either side; a pair with a failed image is wrong at
   * all of them.
   */
  static final class Brute {
    final List<Pair> pairs;
    final double[] d;
    final boolean[] failed;

    Brute(List<Pair> pairs, double[] d, boolean[] failed) {
      this.pairs = pairs;
      this.d = d;
      this.failed = failed;
    }

    boolean[] all() {
      boolean[] in = new boolean[d.length];
      Arrays.fill(in, true);
      return in;
    }

    /** Candidate thresholds over {@code in}, lowest first. */
    List<Double> thresholds(boolean[] in) {
      TreeSet<Double> v = new TreeSet<>();
      for (int i = 0; i < d.length; i++) {
        if (in[i] && !failed[i]) {
          v.add(d[i]);
        }
      }
      List<Double> sorted = new ArrayList<>(v);
      List<Double> t = new ArrayList<>();
      t.add(sorted.get(0));
      for (int k = 1; k < sorted.size(); k++) {
        t.add((sorted.get(k - 1) + sorted.get(k)) / 2);
      }
      t.add(Math.nextUp(sorted.get(sorted.size() - 1)));
      return t;
    }

    boolean accepted(int i, double t) {
      return failed[i] ? !pairs.get(i).same() : d[i] < t;
    }

    double accuracy(double t, boolean[] in) {
      int right = 0;
      int n = 0;
      for (int i = 0; i < d.length; i++) {
        if (in[i]) {
          n++;
          right += !failed[i] && accepted(i, t) == pairs.get(i).same() ? 1 : 0;
        }
      }
      return (double) right / n;
    }

    double bestAccuracy(boolean[] in) {
      return thresholds(in).stream().mapToDouble(t -> accuracy(t, in)).max().orElseThrow();
    }

    /** Held-out accuracy per fold, each at the lowest threshold best on the other folds. */
    double[] foldAccuracies() {
      int[] folds = pairs.stream().mapToInt(Pair::fold).distinct().sorted().toArray();
      double[] acc = new double[folds.length];
      for (int f = 0; f < folds.length; f++) {
        boolean[] train = new boolean[d.length];
        boolean[] held = new boolean[d.length];
        for (int i = 0; i < d.length; i++) {
          held[i] = pairs.get(i).fold() == folds[f];
          train[i] = !held[i];
        }
        double best = bestAccuracy(train);
        double t = thresholds(train).stream().filter(x -> accuracy(x, train) == best)
            .findFirst().orElseThrow();
        acc[f] = accuracy(t, held);
      }
      return acc;
    }

    double kFoldMean() {
      return Arrays.stream(foldAccuracies()).average().orElseThrow();
    }

    double kFoldStd() {
      double[] a = foldAccuracies();
      double mean = kFoldMean();
      return Math.sqrt(Arrays.stream(a).map(x -> (x - mean) * (x - mean)).sum() / a.length);
    }

    /** The chance that a genuine pair is closer than an impostor pair, ties one half. */
    double auc() {
      double wins = 0;
      int n = 0;
      for (int g = 0; g < d.length; g++) {
        for (int i = 0; i < d.length; i++) {
          if (pairs.get(g).same() && !pairs.get(i).same()) {
            n++;
            // a failed genuine pair is farthest, a failed impostor pair closest
            double dg = failed[g] ? Double.POSITIVE_INFINITY : d[g];
            double di = failed[i] ? Double.NEGATIVE_INFINITY : d[i];
            wins += dg < di ? 1 : dg == di ? 0.5 : 0;
          }
        }
      }
      return wins / n;
    }

    double far(double t) {
      return rate(t, false);
    }

    double tar(double t) {
      return rate(t, true);
    }

    private double rate(double t, boolean same) {
      int n = 0;
      int acc = 0;
      for (int i = 0; i < d.length; i++) {
        if (pairs.get(i).same() == same) {
          n++;
          acc += accepted(i, t) ? 1 : 0;
        }
      }
      return (double) acc / n;
    }

    double tarAtFar(double target) {
      return thresholds(all()).stream().filter(t -> far(t) <= target)
          .mapToDouble(this::tar).max().orElse(0);
    }

    double minMaxError() {
      return thresholds(all()).stream().mapToDouble(t -> Math.max(far(t), 1 - tar(t))).min()
          .orElseThrow();
    }
  }
}
