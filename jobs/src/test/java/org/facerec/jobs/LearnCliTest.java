package org.facerec.jobs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.stream.Stream;
import org.apache.spark.sql.Row;
import org.facerec.LfwDev;
import org.facerec.TestData;
import org.facerec.eval.Pair;
import org.facerec.eval.PairsFile;
import org.facerec.learn.PairHead;
import org.facerec.learn.PairSet;
import org.facerec.match.Distances;
import org.facerec.model.Adapter;
import org.facerec.spark.Embeddings;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Learning from labelled faces through the command line, on real data: {@code train} on a few
 * celeba-dev people, its adapter then used by id by enroll and verify (and refused where it must
 * be); {@code calibrate --head} of both kinds on an lfw-dev subset, then verify and identify
 * deciding by the head and reporting {@code p_same}. Small subsets: the point is the wiring,
 * checked against encodings, fits and probabilities computed here without the jobs.
 */
class LearnCliTest extends SparkTest {
  private static final String BASE = "dlib-resnet-v1";
  @TempDir
  static Path dir;

  @Test
  void trainWritesAnAdapterThatEnrollAndVerifyUseById() throws IOException {
    // 7 celeba-dev people with 5 photos or more: 3 each to train on (4 people held out to check
    // on), 2 more kept back
    Path celeba = TestData.data("celeba-dev/images");
    Path photos = dir.resolve("people");
    List<List<Path>> kept = new ArrayList<>();
    try (Stream<Path> ids = Files.list(celeba).sorted()) {
      for (Path id : ids.toList()) {
        List<Path> files;
        try (Stream<Path> f = Files.list(id).sorted()) {
          files = f.toList();
        }
        if (files.size() < 5 || kept.size() == 7) {
          continue;
        }
        Files.createDirectories(photos.resolve(id.getFileName()));
        for (Path p : files.subList(0, 3)) {
          Files.createSymbolicLink(photos.resolve(id.getFileName()).resolve(p.getFileName()), p);
        }
        kept.add(files.subList(3, 5));
      }
    }
    Path adapters = dir.resolve("adapters");
    Path trainOut = dir.resolve("train");
    String setDir = "facerec.adapters.dir=" + adapters;
    Result r = ok("train", "--images", photos.toString(), "--out", trainOut.toString(),
        "--epochs", "3", "--batch", "3x3", "--held-out", "4", "--set", setDir);

    List<Path> files;
    try (Stream<Path> f = Files.list(adapters)) {
      files = f.toList();
    }
    assertThat(files).hasSize(1);
    String name = files.get(0).getFileName().toString();
    assertThat(name).matches("dlib-resnet-v1\\+adapter-[0-9a-f]{12}\\.adapter");
    String id = name.substring(0, name.length() - Adapter.FILE_EXTENSION.length());
    Adapter adapter = Adapter.readById(id, adapters);
    assertThat(adapter.baseModelId()).isEqualTo(BASE);
    assertThat(adapter.threshold()).isBetween(0.0, 2.0);
    assertThat(r.out()).contains("held out: 4 people", "use it: --model " + id);
    List<String> history = Files.readAllLines(trainOut.resolve(id + "-history.csv"));
    assertThat(history).hasSize(1 + 4); // epoch 0 (untrained) and 3 epochs
    for (String line : history.subList(1, history.size())) {
      double heldOutAccuracy = Double.parseDouble(line.split(",")[8]);
      assertThat(heldOutAccuracy).isBetween(0.0, 1.0);
    }
    assertThat(Files.readString(trainOut.resolve(id + "-report.html")))
        .contains(id, "Held-out people");

    // the kept-back photos encoded plainly; A and B: the first two people with a face in both
    List<String> plainLines = new ArrayList<>(List.of("resident_id,path"));
    for (int i = 0; i < kept.size(); i++) {
      for (Path p : kept.get(i)) {
        plainLines.add("p" + i + "," + p);
      }
    }
    Path plain = dir.resolve("plain");
    ok("enroll", "--manifest", Files.write(dir.resolve("all.csv"), plainLines).toString(),
        "--table", plain.toString());
    Map<String, float[]> plainEnc = new HashMap<>();
    for (Row row : parquet(plain).collectAsList()) {
      if (row.<String>getAs("status").equals("OK")) {
        plainEnc.put(local(row.getAs("image_path")), Embeddings.of(row, row.fieldIndex("embedding")));
      }
    }
    List<List<Path>> usable = kept.stream().filter(k -> k.stream()
        .allMatch(p -> plainEnc.containsKey(p.toString()))).toList();
    assertThat(usable.size()).isGreaterThanOrEqualTo(2);
    List<Path> a = usable.get(0);
    List<Path> b = usable.get(1);

    // A's and B's first kept photo enrolled with the adapter; A's second verified as A and as B
    Path manifest = Files.write(dir.resolve("residents.csv"), List.of("resident_id,path",
        "A," + a.get(0), "B," + b.get(0)));
    Path events = Files.write(dir.resolve("events.csv"), List.of("event_id,image_path,claimed_id",
        "asA," + a.get(1) + ",A", "asB," + a.get(1) + ",B"));
    Path adapted = dir.resolve("adapted");
    ok("enroll", "--manifest", manifest.toString(), "--table", adapted.toString(), "--model", id,
        "--set", setDir);
    List<Row> rows = parquet(adapted).collectAsList();
    assertThat(rows).hasSize(2);
    for (Row row : rows) {
      assertThat(row.<String>getAs("model_id")).isEqualTo(id);
      float[] got = Embeddings.of(row, row.fieldIndex("embedding"));
      assertThat(row.<String>getAs("status")).isEqualTo("OK");
      float[] want = adapter.apply(plainEnc.get(local(row.getAs("image_path"))));
      for (int i = 0; i < want.length; i++) {
        assertThat((double) got[i]).isCloseTo(want[i], within(1e-5));
      }
    }

    Path out = dir.resolve("audit");
    Result v = ok("verify", "--events", events.toString(), "--table", adapted.toString(),
        "--out", out.toString(), "--model", id, "--set", setDir);
    assertThat(v.out()).contains("model: " + id);
    Map<String, Row> decided = new HashMap<>();
    for (Row row : parquet(out.resolve("verify.parquet")).collectAsList()) {
      decided.put(row.getAs("event_id"), row);
      assertThat(row.<String>getAs("model_id")).isEqualTo(id);
      assertThat(row.<Double>getAs("threshold")).isEqualTo(adapter.threshold());
    }
    Row asA = decided.get("asA");
    Row asB = decided.get("asB");
    // the distances are in the adapter's space: a photo of A is nearer to A than to B
    assertThat(asA.<Double>getAs("distance")).isLessThan(asB.<Double>getAs("distance"));
    assertThat(asA.<String>getAs("decision")).isEqualTo(
        asA.<Double>getAs("distance") < adapter.threshold() ? "ACCEPT" : "REJECT");
    assertThat(asB.<String>getAs("decision")).isEqualTo("REJECT");

    // tables of different models never mix, and the message names the full id
    Result mixed = facerec("verify", "--events", events.toString(), "--table",
        adapted.toString(), "--out", dir.resolve("mixed").toString());
    assertThat(mixed.exitCode()).isEqualTo(1);
    assertThat(mixed.err()).contains("holds encodings of model " + id,
        "this run uses " + BASE, "use --model " + id);

    // an adapter that is not there: one line saying which and where
    String absent = BASE + "+adapter-000000000000";
    Result missing = facerec("enroll", "--manifest", manifest.toString(), "--table",
        dir.resolve("never").toString(), "--model", absent, "--set", setDir);
    assertThat(missing.exitCode()).isEqualTo(1);
    assertThat(missing.err().strip()).doesNotContain("\n").startsWith("facerec enroll: no adapter "
        + absent + ": " + adapters.resolve(absent + ".adapter") + " does not exist")
        .contains("facerec.adapters.dir");
    assertThat(dir.resolve("never")).doesNotExist();
  }

  @Test
  void calibrateFitsBothHeadsAndVerifyAndIdentifyDecideByP() throws IOException {
    List<Pair> pairs = LfwDev.pairs(3, 8); // 3 folds x (8 genuine + 8 impostor)
    Path csv = EvaluateJobTest.writeCsv(dir.resolve("pairs.csv"), pairs);
    Path images = LfwDev.root().resolve("images");
    Map<String, float[]> enc = EvaluateJobTest.encodings(PairsFile.distinctPaths(pairs));
    PairSet set = PairSet.of(pairs, enc::get);
    double far = 0.125; // 3 of 24 impostor pairs

    Map<PairHead.Kind, Path> confs = new HashMap<>();
    for (PairHead.Kind kind : PairHead.Kind.values()) {
      Path conf = Files.writeString(dir.resolve(kind.label() + ".conf"),
          "facerec.align = none\nfacerec.framing = lfw\n");
      confs.put(kind, conf);
      Result r = ok("calibrate", "--head", kind.label(), "--pairs", csv.toString(), "--images",
          images.toString(), "--far", Double.toString(far), "--conf", conf.toString(),
          "--write", conf.toString());
      Map<String, String> written = load(conf);
      assertThat(written).containsEntry("facerec.decide-by", "head")
          .containsEntry("facerec.head." + BASE + ".kind", kind.label())
          .containsEntry("facerec.align", "none");
      PairHead head = PairHead.fromConf(written, BASE);
      assertThat(head.w()).hasSize(128);
      assertThat(r.out()).contains("held-out head: accuracy", "held-out distance: accuracy",
          "p-threshold: " + head.pThreshold());

      // the head written is the fit on these pairs' encodings (made here without Spark)
      PairHead expected = PairHead.fitSelectingLambda(kind, set, PairHead.LAMBDAS,
          PairHead.FitOptions.defaults()).head();
      for (int i = 0; i < set.size(); i++) {
        assertThat(head.probability(set.a()[i], set.b()[i]))
            .isCloseTo(expected.probability(set.a()[i], set.b()[i]), within(1e-3));
      }
      // the p-threshold keeps the false accepts of heads that did not see a fold at the target
      int impostors = 0;
      int accepted = 0;
      for (int f = 1; f <= 3; f++) {
        PairHead held = PairHead.fitSelectingLambda(kind, set.without(f), PairHead.LAMBDAS,
            PairHead.FitOptions.defaults()).head();
        for (int i = 0; i < set.size(); i++) {
          if (set.fold()[i] == f && !set.same()[i]) {
            impostors++;
            accepted += held.probability(set.a()[i], set.b()[i]) >= head.pThreshold() ? 1 : 0;
          }
        }
      }
      assertThat((double) accepted / impostors).isLessThanOrEqualTo(far);
    }

    // verify and identify with the logistic head: p_same beside the distance, decided by it
    Path conf = confs.get(PairHead.Kind.LOGISTIC);
    PairHead head = PairHead.fromConf(load(conf), BASE);
    Pair genuine = pairs.get(0);
    Pair impostor = pairs.stream().filter(p -> !p.same()
        && !p.path1().startsWith(genuine.path1().substring(0, genuine.path1().indexOf('/'))))
        .findFirst().orElseThrow();
    Path residents = Files.write(dir.resolve("lfw-residents.csv"), List.of("resident_id,path",
        "them," + images.resolve(genuine.path1()), "other," + images.resolve(impostor.path1())));
    Path events = Files.write(dir.resolve("lfw-events.csv"), List.of(
        "event_id,image_path,claimed_id", "e1," + images.resolve(genuine.path2()) + ",them",
        "e2," + images.resolve(genuine.path2()) + ",other"));
    Path table = dir.resolve("lfw-table");
    ok("enroll", "--manifest", residents.toString(), "--table", table.toString(), "--conf",
        conf.toString());
    Path out = dir.resolve("lfw-audit");
    Result v = ok("verify", "--events", events.toString(), "--table", table.toString(), "--out",
        out.toString(), "--conf", conf.toString());
    assertThat(v.out()).contains("decided by: logistic head");
    float[] probe = enc.get(genuine.path2());
    Map<String, float[]> enrolled = Map.of("them", enc.get(genuine.path1()), "other",
        enc.get(impostor.path1()));
    for (Row e : parquet(out.resolve("verify.parquet")).collectAsList()) {
      String claimed = e.getAs("claimed_id");
      double p = head.probability(probe, enrolled.get(claimed));
      assertThat(e.<Double>getAs("p_same")).isCloseTo(p, within(1e-4));
      assertThat(e.<Double>getAs("p_threshold")).isEqualTo(head.pThreshold());
      String otherId = claimed.equals("them") ? "other" : "them";
      boolean otherNearer = Distances.l2(probe, enrolled.get(otherId))
          < Distances.l2(probe, enrolled.get(claimed)); // the rank rule, margin 0
      assertThat(e.<String>getAs("decision"))
          .isEqualTo(p >= head.pThreshold() && !otherNearer ? "ACCEPT" : "REJECT");
    }
    assertThat(Files.readAllLines(out.resolve("verify.csv")).get(0))
        .contains("distance,p_same,threshold,p_threshold,decision");
    assertThat(Files.readString(out.resolve("verify-report.html")))
        .contains("p-threshold", "facerec.decide-by = head");

    // without the head, verify's outputs are as they always were
    Path plainOut = dir.resolve("lfw-plain");
    ok("verify", "--events", events.toString(), "--table", table.toString(), "--out",
        plainOut.toString(), "--conf", conf.toString(), "--set", "facerec.decide-by=distance");
    assertThat(parquet(plainOut.resolve("verify.parquet")).columns())
        .containsExactly(VerifyJob.OUTPUT.fieldNames());

    Path log = Files.write(dir.resolve("lfw-log.csv"), List.of("event_id,image_path",
        "e1," + images.resolve(genuine.path2())));
    Path idOut = dir.resolve("lfw-identify");
    ok("identify", "--log", log.toString(), "--table", table.toString(), "--out",
        idOut.toString(), "--conf", conf.toString());
    Row i1 = parquet(idOut.resolve("identify.parquet")).first();
    String nearest = Distances.l2(probe, enrolled.get("them"))
        <= Distances.l2(probe, enrolled.get("other")) ? "them" : "other";
    double p = head.probability(probe, enrolled.get(nearest));
    assertThat(i1.<Double>getAs("p_same")).isCloseTo(p, within(1e-4));
    assertThat(i1.<String>getAs("decision")).isEqualTo(p >= head.pThreshold() ? "MATCH"
        : "UNKNOWN");
    assertThat(Arrays.asList(parquet(idOut.resolve("identify.parquet")).columns()))
        .containsSubsequence("distance", "p_same", "threshold", "p_threshold");
  }

  /** A table's image_path as the local path it names ({@code file:/x} to {@code /x}). */
  private static String local(String imagePath) {
    return imagePath.startsWith("file:") ? imagePath.substring("file:".length()) : imagePath;
  }

  private static Map<String, String> load(Path conf) throws IOException {
    Properties p = new Properties();
    try (Reader r = Files.newBufferedReader(conf)) {
      p.load(r);
    }
    Map<String, String> m = new HashMap<>();
    p.stringPropertyNames().forEach(k -> m.put(k, p.getProperty(k).trim()));
    return m;
  }
}
