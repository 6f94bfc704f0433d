package org.facerec.learn;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.IntFunction;
import java.util.function.ToDoubleBiFunction;
import java.util.function.UnaryOperator;
import org.facerec.TestData;
import org.facerec.eval.Pair;
import org.facerec.eval.PairsFile;
import org.facerec.match.Distances;
import org.facerec.model.Adapter;
import org.facerec.report.TrainingReport;

/**
 * The honest measurement of issue 15: does triplet training of an adapter, or a learned
 * same-person head, beat the plain L2 distance on people the training never saw? Prints markdown
 * tables and writes them, the training histories (CSV) and training reports (HTML) under
 * {@code --out}.
 *
 * <ul>
 *   <li>(a) an adapter trained on celeba-dev's 80 people, tested on lfw-dev's 3,000 pairs (other
 *       people, other photos) by lfw-dev's 5-fold protocol; and, in-domain, 5-fold by person
 *       within celeba-dev;
 *   <li>(b) 5-fold by person within lfw-dev: an adapter trained on the people of 4 folds (all
 *       their lfw-dev photos), tested on the 5th fold's pairs;
 *   <li>(c) the logistic and chi-squared heads against the plain distance on lfw-dev, each
 *       fitted on 4 folds' pairs and tested on the 5th;
 *   <li>(d) the Happy House: camera_0 (younes) against younes, camera_2 (benoit on kian's badge)
 *       against kian, in the plain space and through adapters trained on celeba-dev's chips and
 *       on tight 96 px crops of celeba-dev's faces encoded as the Happy House's are; and that
 *       tight-crop domain on many people, 5-fold by person within celeba-dev's crops;
 *   <li>{@code tune} (not run by default): the grid the training defaults were chosen from,
 *       5-fold by person within celeba-dev only.
 * </ul>
 *
 * <p>Every row with a threshold uses the same protocol: the threshold is chosen on the pairs of
 * the folds that trained the model (the most accurate one), and applied to the held fold; the
 * held folds' accuracies give the mean and standard deviation; AUC, EER and TAR at FAR 1e-3 are
 * measured on the held folds' scores pooled. For the plain distance that is exactly
 * {@code evaluate}'s k-fold protocol.
 *
 * <p>Encodings go through {@code FacePipeline} under the settings given (as the jobs read them:
 * the shipped defaults, a {@code --conf} file, {@code --set key=value}); {@code --lfw-conf} and
 * {@code --hh-conf} replace the conf file for lfw-dev and the Happy House. They are cached
 * under {@code --cache} (default {@code /tmp/facerec-learn-cache}), keyed by set, settings and
 * weights: the first run encodes (lfw-dev with detection takes minutes), reruns take seconds
 * plus the training. Run from the checkout's root (one line; arguments after the class name,
 * e.g. {@code --set facerec.detect.detector=tiny}, {@code --parts a,d}, {@code --seed 1},
 * {@code --encoded-pairs-only}: lfw-dev's pairs whose two images were both encoded):
 *
 * <pre>
 * mvn -B -o -q -pl jobs -am test-compile dependency:build-classpath -Dmdep.includeScope=test \
 *   -Dmdep.outputFile=$PWD/jobs/target/test-classpath.txt &amp;&amp; java -Xmx4g \
 *   -Dfacerec.home=$PWD \
 *   -cp jobs/target/test-classes:jobs/target/classes:$(cat jobs/target/test-classpath.txt) \
 *   org.facerec.learn.LearnExperiment --set facerec.threads=1
 * </pre>
 *
 * <p>{@code facerec.threads=1}: on a loaded 2-core machine one libtorch thread encoded about
 * four times as many images per CPU second as two, which wait on each other for the cores.
 */
public final class LearnExperiment {
  private static final String BASE = "dlib-resnet-v1";
  private static final Adapter IDENTITY = Adapter.identity(BASE, 128);
  private static final String NORMALISED = "identity adapter (dlib, L2-normalised, untrained)";

  private LearnExperiment() {}

  /** One row of a results table. */
  record Row(String name, double accMean, double accStd, double auc, double eer, double tar1e3,
      double tar1e2) {
    String md() {
      return String.format(Locale.ROOT, "| %s | %.2f%% ± %.2f%% | %.4f | %.2f%% | %.2f%% | %.2f%%"
          + " |", name, 100 * accMean, 100 * accStd, auc, 100 * eer, 100 * tar1e2,
          100 * tar1e3);
    }
  }

  private static final String HEADER = "| model | accuracy (5-fold) | AUC | EER | TAR @ FAR 1e-2 "
      + "| TAR @ FAR 1e-3 |\n|---|---|---|---|---|---|";

  public static void main(String[] args) throws Exception {
    Path home = Paths.get(System.getProperty("facerec.home", ".")).toAbsolutePath().normalize();
    Path conf = null;
    List<String> sets = new ArrayList<>();
    Path lfwConf = null;
    Path hhConf = null;
    Path cache = Paths.get("/tmp/facerec-learn-cache");
    Path out = home.resolve("jobs/target/learn-experiment");
    Set<String> parts = new TreeSet<>(List.of("a", "b", "c", "d"));
    TrainingConfig config = TrainingConfig.defaults();
    boolean encodeOnly = false;
    boolean encodedPairsOnly = false;
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--conf" -> conf = Paths.get(args[++i]);
        case "--set" -> sets.add(args[++i]);
        case "--lfw-conf" -> lfwConf = Paths.get(args[++i]);
        case "--hh-conf" -> hhConf = Paths.get(args[++i]);
        case "--cache" -> cache = Paths.get(args[++i]);
        case "--out" -> out = Paths.get(args[++i]);
        case "--parts" -> parts = new TreeSet<>(Arrays.asList(args[++i].split(",")));
        case "--seed" -> config = config.withSeed(Long.parseLong(args[++i]));
        case "--epochs" -> config = config.withEpochs(Integer.parseInt(args[++i]));
        case "--lr" -> config = config.withLearningRate(Double.parseDouble(args[++i]));
        case "--decay" -> config = config.withWeightDecay(Double.parseDouble(args[++i]));
        case "--hidden" -> config = config.withHidden(Integer.parseInt(args[++i]));
        case "--batch" -> {
          String[] pk = args[++i].split("x");
          config = config.withBatch(Integer.parseInt(pk[0]), Integer.parseInt(pk[1]));
        }
        case "--encode-only" -> encodeOnly = true;
        case "--encoded-pairs-only" -> encodedPairsOnly = true;
        default -> throw new IllegalArgumentException("unknown argument " + args[i]);
      }
    }
    long t0 = System.nanoTime();
    Path data = TestData.dataDir();
    ExperimentSettings base = ExperimentSettings.read(home, conf, sets);
    ExperimentSettings lfw = lfwConf == null ? base : ExperimentSettings.read(home, lfwConf, sets);
    ExperimentSettings hh = hhConf == null ? base : ExperimentSettings.read(home, hhConf, sets);

    // only the sets the parts asked for are encoded (each once, then from the cache)
    boolean needLfw = encodeOnly || parts.contains("a") || parts.contains("b")
        || parts.contains("c");
    boolean needHappy = encodeOnly || parts.contains("d");
    StringBuilder md = new StringBuilder();
    md.append("## Settings\n\n");
    EncodedSet celeba = EncodedSet.encode(EncodedSet.celebaDev(data), base.encodeOptions(), cache);
    md.append(String.format(Locale.ROOT, "- celeba-dev (%s): %s; %s%n", String.join(" + ",
        base.sources()), base.describe(), celeba.statusCounts()));
    EncodedSet lfwDev = null;
    if (needLfw) {
      lfwDev = EncodedSet.encode(EncodedSet.lfwDev(data), lfw.encodeOptions(), cache);
      md.append(String.format(Locale.ROOT, "- lfw-dev (%s): %s; %s%n", String.join(" + ",
          lfw.sources()), lfw.describe(), lfwDev.statusCounts()));
    }
    EncodedSet happy = null;
    EncodedSet tight = null;
    if (needHappy) {
      happy = EncodedSet.encode(EncodedSet.happyHouse(data), hh.encodeOptions(), cache);
      tight = EncodedSet.tightCrops(EncodedSet.celebaDev(data), base.encodeOptions(), 96,
          hh.encodeOptions(), cache);
      md.append(String.format(Locale.ROOT, "- happy-house (%s): %s; %s%n", String.join(" + ",
          hh.sources()), hh.describe(), happy.statusCounts()));
      md.append(String.format(Locale.ROOT, "- celeba-dev tight crops (the detector's box, no "
          + "margin, shrunk to %d px, then encoded as the Happy House images): %s (BAD_IMAGE: "
          + "no face found to crop)%n", 96, tight.statusCounts()));
    }
    double encodeSeconds = (System.nanoTime() - t0) / 1e9;
    md.append(String.format(Locale.ROOT, "- adapter training: %s%n", config));
    md.append(String.format(Locale.ROOT, "- encodings ready in %.0f s (cache %s)%n%n",
        encodeSeconds, cache));
    System.out.print(md);
    if (encodeOnly) {
      return;
    }
    Files.createDirectories(out);

    List<Pair> lfwPairs = PairsFile.read(data.resolve("lfw-dev/pairs.csv"));
    PairSet lfwSet = lfwDev == null ? null : PairSet.of(lfwPairs, lfwDev.byPath()::get);
    if (lfwSet != null && encodedPairsOnly) {
      // a failed image is an error at every threshold (evaluate's rule): with a few NO_FACE
      // images, no threshold reaches FAR 1e-3; this leaves those pairs out instead
      boolean[] keep = new boolean[lfwSet.size()];
      for (int i = 0; i < keep.length; i++) {
        keep[i] = !lfwSet.failed(i);
      }
      lfwSet = lfwSet.subset(keep);
      System.out.printf(Locale.ROOT, "lfw-dev: %d pairs with both images encoded%n",
          lfwSet.size());
    }
    Map<String, List<float[]>> celebaPeople = celeba.byLabel();

    if (parts.contains("a")) {
      StringBuilder s = new StringBuilder("## (a) Adapter trained on celeba-dev's people\n\n");
      long t = System.nanoTime();
      AdapterTrainer.Result r = AdapterTrainer.train(BASE, celebaPeople, lfwSet, config,
          e -> System.out.println("  celeba -> lfw " + e.describe()));
      double seconds = (System.nanoTime() - t) / 1e9;
      report(out, "a-celeba-to-lfw", r, Map.of("trained on", "celeba-dev, all people",
          "checked on", "lfw-dev pairs.csv (3,000 pairs, 5 folds)"));
      s.append(String.format(Locale.ROOT, "Tested on lfw-dev's 3,000 pairs (5 folds of "
          + "pairs.csv; the adapter is fixed, the threshold chosen on the other folds). "
          + "Training: %d people, %d photos, %.0f s.%n%n", r.history().people(),
          r.history().photos(), seconds));
      s.append(HEADER).append('\n');
      s.append(folded("plain L2 distance (dlib)", lfwSet, f -> Distances::l2).md()).append('\n');
      s.append(folded(NORMALISED, lfwSet, f -> adapted(IDENTITY)).md()).append('\n');
      s.append(folded("adapter " + r.adapter().id(), lfwSet, f -> adapted(r.adapter()))
          .md()).append('\n');
      s.append('\n');
      PairSet celebaPairs = PairSet.fromPeople(celebaPeople, 5, 0);
      s.append(String.format(Locale.ROOT, "In-domain: 5-fold by person within celeba-dev (%d "
          + "pairs: every genuine pair of each fold's 16 people and as many impostor pairs; "
          + "trained on 64 people, tested on the other 16).%n%n", celebaPairs.size()));
      s.append(HEADER).append('\n');
      s.append(folded("plain L2 distance (dlib)", celebaPairs, f -> Distances::l2).md())
          .append('\n');
      s.append(folded(NORMALISED, celebaPairs, f -> adapted(IDENTITY)).md()).append('\n');
      s.append(celebaInDomain("adapter per fold", celebaPeople, config).md()).append("\n\n");
      System.out.print(s);
      md.append(s);
    }

    if (parts.contains("tune")) {
      // hyper-parameters chosen in-domain on celeba-dev only, never on lfw-dev
      StringBuilder s = new StringBuilder("## Tuning: 5-fold by person within celeba-dev\n\n");
      s.append(HEADER).append('\n');
      PairSet celebaPairs = PairSet.fromPeople(celebaPeople, 5, 0);
      s.append(folded("plain L2 distance (dlib)", celebaPairs, f -> Distances::l2).md())
          .append('\n');
      s.append(folded(NORMALISED, celebaPairs, f -> adapted(IDENTITY)).md()).append('\n');
      System.out.print(s);
      for (double lr : new double[] {1e-4, 3e-4, 1e-3}) {
        for (double decay : new double[] {0, 1e-2, 1e-1}) {
          for (int epochs : new int[] {10, 30}) {
            TrainingConfig c = config.withLearningRate(lr).withWeightDecay(decay)
                .withEpochs(epochs);
            String row = celebaInDomain(String.format(Locale.ROOT, "lr %s, decay %s, %d epochs",
                lr, decay, epochs), celebaPeople, c).md();
            System.out.println(row);
            s.append(row).append('\n');
          }
        }
      }
      s.append('\n');
      md.append(s);
    }

    if (parts.contains("b") || parts.contains("c")) {
      Map<String, Integer> foldOf = new LinkedHashMap<>();
      for (Pair p : lfwPairs) {
        foldOf.put(person(p.path1()), p.fold());
        foldOf.put(person(p.path2()), p.fold());
      }
      StringBuilder s = new StringBuilder("## (b, c) 5-fold by person within lfw-dev\n\n");
      s.append("Each fold's model is trained (adapter: on all lfw-dev photos of the other "
          + "folds' people; heads: on the other folds' pairs) and tested on the held fold's "
          + "600 pairs; LFW's folds are disjoint in people.\n\n");
      s.append(HEADER).append('\n');
      s.append(folded("plain L2 distance (dlib)", lfwSet, f -> Distances::l2).md()).append('\n');
      s.append(folded(NORMALISED, lfwSet, f -> adapted(IDENTITY)).md()).append('\n');
      if (parts.contains("b")) {
        Adapter[] perFold = new Adapter[6];
        double seconds = 0;
        for (int f = 1; f <= 5; f++) {
          int held = f;
          Map<String, List<float[]>> train = new LinkedHashMap<>();
          for (int i = 0; i < lfwDev.paths().size(); i++) {
            String who = lfwDev.labels().get(i);
            if (foldOf.get(who) != held && lfwDev.encodings().get(i) != null) {
              train.computeIfAbsent(who, k -> new ArrayList<>()).add(lfwDev.encodings().get(i));
            }
          }
          long t = System.nanoTime();
          AdapterTrainer.Result r = AdapterTrainer.train(BASE, train, lfwSet.only(f).refold(2),
              config, e -> System.out.println("  lfw fold " + held + " " + e.describe()));
          seconds += (System.nanoTime() - t) / 1e9;
          perFold[f] = r.adapter();
          report(out, "b-lfw-fold" + f, r, Map.of("trained on", "lfw-dev, people not in fold "
              + f, "checked on", "lfw-dev fold " + f + " pairs"));
        }
        s.append(folded(String.format(Locale.ROOT, "adapter per fold (%.0f s for 5)", seconds),
            lfwSet, f -> adapted(perFold[f])).md()).append('\n');
      }
      if (parts.contains("c")) {
        PairHead.FitOptions fit = PairHead.FitOptions.defaults();
        for (PairHead.Kind kind : PairHead.Kind.values()) {
          s.append(headRow(kind.label() + " head (lambda " + fit.lambda() + ")",
              FoldedMetrics.ofHead(kind, lfwSet, fit))).append('\n');
        }
        // the penalty chosen inside each outer fit, on its own 4 folds (nested CV)
        for (PairHead.Kind kind : PairHead.Kind.values()) {
          List<String> chosen = new ArrayList<>();
          FoldedMetrics m = FoldedMetrics.ofHeadSelectingLambda(kind, lfwSet, fit,
              (lambda, f) -> chosen.add(String.valueOf(lambda)));
          s.append(headRow(kind.label() + " head, lambda chosen on the fitting folds ("
              + String.join(", ", chosen) + ")", m)).append('\n');
        }
        // sensitivity to the penalty (not a choice: the default stays what it was before
        // these runs), and the head scored on the pairs it was fitted on, an optimistic bound
        for (double lambda : new double[] {0.01, 100}) {
          PairHead.FitOptions o = new PairHead.FitOptions(lambda, fit.maxIterations(),
              fit.tolerance());
          s.append(headRow("logistic head (lambda " + lambda + ")", FoldedMetrics.ofHead(
              PairHead.Kind.LOGISTIC, lfwSet, o))).append('\n');
        }
        for (PairHead.Kind kind : PairHead.Kind.values()) {
          PairHead all = PairHead.fit(kind, lfwSet, fit);
          s.append(headRow(kind.label() + " head fitted on all 5 folds, scored on them "
              + "(optimistic)", FoldedMetrics.of(lfwSet, f -> (x, y) -> -all.logit(x, y))))
              .append('\n');
        }
      }
      s.append('\n');
      System.out.print(s);
      md.append(s);
    }

    if (parts.contains("d")) {
      StringBuilder s = new StringBuilder("## (d) The Happy House\n\n");
      Map<String, float[]> hhEnc = new LinkedHashMap<>();
      for (int i = 0; i < happy.paths().size(); i++) {
        hhEnc.put(happy.labels().get(i), happy.encodings().get(i));
      }
      AdapterTrainer.Result chips = AdapterTrainer.train(BASE, celebaPeople, null, config);
      AdapterTrainer.Result crops = AdapterTrainer.train(BASE, tight.byLabel(), null, config);
      // a harder fit of the same crops: does more training bend the space further?
      TrainingConfig strong = config.withWeightDecay(0).withEpochs(30);
      AdapterTrainer.Result cropsStrong = AdapterTrainer.train(BASE, tight.byLabel(), null,
          strong);
      report(out, "d-celeba-tight", crops, Map.of("trained on",
          "celeba-dev tight 96 px crops, Happy House framing"));
      s.append("camera_0 is younes; camera_2 is benoit presenting kian's badge. gap = "
          + "d(camera_2, kian) - d(camera_0, younes): the room a threshold has to accept younes "
          + "and refuse benoit on kian's badge; as adapters change the distance scale, also "
          + "d(cam2, kian) / d(cam0, younes) and the relative gap = gap / the median distance "
          + "between two residents. Nearest right: cameras whose "
          + "nearest resident is the person shown (of 6).\n\n");
      s.append("| space | d(cam0, younes) | d(cam2, kian) | d(cam2, benoit) | gap | "
          + "kian / younes | relative gap | nearest right |\n|---|---|---|---|---|---|---|---|\n");
      s.append(happyRow("plain dlib (" + hh.describe() + ")", hhEnc, x -> x)).append('\n');
      s.append(happyRow("adapter on celeba-dev chips", hhEnc, chips.adapter()::apply))
          .append('\n');
      s.append(happyRow("adapter on celeba-dev tight crops", hhEnc, crops.adapter()::apply))
          .append('\n');
      s.append(happyRow("adapter on celeba-dev tight crops, decay 0, 30 epochs", hhEnc,
          cropsStrong.adapter()::apply)).append("\n\n");
      // the same question on many people instead of one impostor: the tight-crop domain,
      // 5-fold by person within celeba-dev's crops
      Map<String, List<float[]>> cropPeople = tight.byLabel();
      PairSet cropPairs = PairSet.fromPeople(cropPeople, 5, 0);
      s.append(String.format(Locale.ROOT, "The tight-crop domain on many people: 5-fold by "
          + "person within celeba-dev's tight crops (%d pairs, dealt as in (a)).%n%n",
          cropPairs.size()));
      s.append(HEADER).append('\n');
      s.append(folded("plain L2 distance (dlib)", cropPairs, f -> Distances::l2).md())
          .append('\n');
      s.append(folded(NORMALISED, cropPairs, f -> adapted(IDENTITY)).md()).append('\n');
      s.append(celebaInDomain("adapter per fold", cropPeople, config).md()).append('\n');
      s.append(celebaInDomain("adapter per fold, decay 0, 30 epochs", cropPeople, strong).md())
          .append("\n\n");
      System.out.print(s);
      md.append(s);
    }
    md.append(String.format(Locale.ROOT, "Total %.0f s.%n", (System.nanoTime() - t0) / 1e9));
    Files.writeString(out.resolve("tables.md"), md.toString(), StandardCharsets.UTF_8);
    System.out.println("wrote " + out.resolve("tables.md"));
  }

  /** 5-fold by person within a celeba-dev set: an adapter per fold, trained on the others. */
  private static Row celebaInDomain(String name, Map<String, List<float[]>> people,
      TrainingConfig config) {
    PairSet pairs = PairSet.fromPeople(people, 5, 0);
    Map<String, Integer> foldOf = foldsOfPeople(people, 5, 0);
    Adapter[] perFold = new Adapter[6];
    for (int f = 1; f <= 5; f++) {
      int held = f;
      Map<String, List<float[]>> train = new LinkedHashMap<>();
      people.forEach((k, v) -> {
        if (foldOf.get(k) != held) {
          train.put(k, v);
        }
      });
      perFold[f] = AdapterTrainer.train(BASE, train, null, config).adapter();
    }
    return folded(name, pairs, f -> adapted(perFold[f]));
  }

  private static ToDoubleBiFunction<float[], float[]> adapted(Adapter a) {
    return (x, y) -> Distances.l2(a.apply(x), a.apply(y));
  }

  /** A table row by {@link FoldedMetrics}' protocol. */
  static Row folded(String name, PairSet pairs, IntFunction<ToDoubleBiFunction<float[],
      float[]>> scorer) {
    FoldedMetrics m = FoldedMetrics.of(pairs, scorer);
    return new Row(name, m.accuracyMean(), m.accuracyStd(), m.pooled().auc(), m.pooled().eer(),
        m.pooled().atFar1e3().point().tar(), m.pooled().atFar1e2().point().tar());
  }

  private static String headRow(String name, FoldedMetrics m) {
    return new Row(name, m.accuracyMean(), m.accuracyStd(), m.pooled().auc(), m.pooled().eer(),
        m.pooled().atFar1e3().point().tar(), m.pooled().atFar1e2().point().tar()).md();
  }

  /** People dealt to folds as {@link PairSet#fromPeople} deals them. */
  private static Map<String, Integer> foldsOfPeople(Map<String, List<float[]>> people, int folds,
      long seed) {
    List<String> names = new ArrayList<>(new TreeMap<>(people).keySet());
    Collections.shuffle(names, new Random(seed));
    Map<String, Integer> m = new LinkedHashMap<>();
    for (int i = 0; i < names.size(); i++) {
      m.put(names.get(i), i % folds + 1);
    }
    return m;
  }

  private static String happyRow(String name, Map<String, float[]> enc,
      UnaryOperator<float[]> space) {
    Map<String, float[]> e = new LinkedHashMap<>();
    enc.forEach((k, v) -> e.put(k, space.apply(v)));
    List<String> residents = e.keySet().stream().filter(k -> !k.startsWith("camera_")).toList();
    List<Double> between = new ArrayList<>();
    for (int i = 0; i < residents.size(); i++) {
      for (int j = i + 1; j < residents.size(); j++) {
        between.add(Distances.l2(e.get(residents.get(i)), e.get(residents.get(j))));
      }
    }
    between.sort(Double::compare);
    double median = between.get(between.size() / 2);
    String[] truth = {"younes", "bertrand", "benoit", "bertrand", "dan", "arnaud"};
    int right = 0;
    for (int c = 0; c < truth.length; c++) {
      float[] cam = e.get("camera_" + c);
      String best = null;
      double bestD = Double.POSITIVE_INFINITY;
      for (String r : residents) {
        double d = Distances.l2(cam, e.get(r));
        if (d < bestD) {
          bestD = d;
          best = r;
        }
      }
      right += truth[c].equals(best) ? 1 : 0;
    }
    double younes = Distances.l2(e.get("camera_0"), e.get("younes"));
    double kian = Distances.l2(e.get("camera_2"), e.get("kian"));
    double benoit = Distances.l2(e.get("camera_2"), e.get("benoit"));
    return String.format(Locale.ROOT, "| %s | %.4f | %.4f | %.4f | %.4f | %.3f | %.3f | %d |",
        name, younes, kian, benoit, kian - younes, kian / younes, (kian - younes) / median,
        right);
  }

  private static void report(Path out, String name, AdapterTrainer.Result r,
      Map<String, String> run) throws IOException {
    Files.writeString(out.resolve(name + "-history.csv"), r.history().toCsv(),
        StandardCharsets.UTF_8);
    TrainingReport.page(new LinkedHashMap<>(run), r.adapter(), r.history())
        .write(out.resolve(name + "-report.html"));
  }

  private static String person(String path) {
    return path.substring(0, path.indexOf('/'));
  }
}
