package org.facerec.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Row;
import org.facerec.TestData;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The demo's story with the default model: camera_0 claiming younes is accepted, benoit on kian's
 * badge is rejected, and the six camera shots identify as younes, bertrand, benoit, bertrand,
 * dan, arnaud — with the demo's threshold, and with no conf at all.
 */
class HappyHouseStoryTest extends SparkTest {
  static final Path SAMPLES = Path.of("../sample-data/happy-house").toAbsolutePath().normalize();
  static Path images;
  static Path demo;
  static String conf = SAMPLES.resolve("facerec.conf").toString();

  @TempDir
  static Path out;

  /** The demo: enroll, verify and identify with its settings. */
  @BeforeAll
  static void runTheDemo() {
    images = TestData.data("happy-house/images");
    Result r = ok("enroll", "--manifest", SAMPLES.resolve("residents.csv").toString(),
        "--images-root", images.toString(), "--table", out.resolve("residents").toString(),
        "--conf", conf);
    assertThat(r.out()).contains("OK               12");
    demo = out.resolve("demo");
    Result v = ok("verify", "--events", SAMPLES.resolve("badge-events.csv").toString(),
        "--images-root", images.toString(), "--table", out.resolve("residents").toString(),
        "--out", demo.toString(), "--conf", conf);
    assertThat(v.out()).contains("  report: " + demo.resolve("verify-report.html") + "\n");
    ok("identify", "--log", SAMPLES.resolve("camera-log.csv").toString(), "--images-root",
        images.toString(), "--table", out.resolve("residents").toString(), "--out",
        demo.toString(), "--conf", conf, "--top-k", "3");
  }

  @Test
  void enrolsTheTwelveResidents() {
    List<Row> table = rows(parquet(out.resolve("residents")), "resident_id");
    assertThat(table).hasSize(12);
    assertThat(table).allSatisfy(r -> {
      assertThat(r.<String>getAs("status")).isEqualTo("OK");
      assertThat(r.<String>getAs("model_id")).isEqualTo("dlib-resnet-v1");
      assertThat(r.getList(r.fieldIndex("embedding"))).hasSize(128);
      assertThat(r.<String>getAs("content_sha256")).hasSize(64);
    });
    assertThat(table.stream().map(r -> r.<String>getAs("resident_id")).toList())
        .containsExactly("andrew", "arnaud", "benoit", "bertrand", "dan", "danielle", "felix",
            "kevin", "kian", "sebastiano", "tian", "younes");
  }

  @Test
  void theDemoSettingsTellTheStory() {
    assertStory(demo);
    Map<String, Row> verify = byKey(demo.resolve("verify.parquet"));
    // with this domain's threshold alone they are apart, and the rank rule agrees
    double threshold = verify.get("e1").getAs("threshold");
    assertThat(threshold).isEqualTo(0.5);
    assertThat(verify.get("e1").<Double>getAs("distance")).isLessThan(threshold);
    assertThat(verify.get("e2").<Double>getAs("distance")).isGreaterThan(threshold);
    assertThat(verify.get("e2").<String>getAs("nearest_id")).isEqualTo("benoit");
  }

  @Test
  void theShippedDefaultsTellTheStoryWithoutAConf() {
    // no conf at all: every crop's face is found (on the crop padded by half its side), and
    // dlib's usual 0.6 with the rank rule decides as the demo does
    Path table = out.resolve("plain-residents");
    Result enrolled = ok("enroll", "--manifest", SAMPLES.resolve("residents.csv").toString(),
        "--images-root", images.toString(), "--table", table.toString());
    assertThat(enrolled.out()).contains("OK               12").doesNotContain("NO_FACE");
    Path o = out.resolve("plain");
    ok("verify", "--events", SAMPLES.resolve("badge-events.csv").toString(), "--images-root",
        images.toString(), "--table", table.toString(), "--out", o.toString());
    ok("identify", "--log", SAMPLES.resolve("camera-log.csv").toString(), "--images-root",
        images.toString(), "--table", table.toString(), "--out", o.toString());
    assertStory(o);
    Map<String, Row> verify = byKey(o.resolve("verify.parquet"));
    assertThat(verify.values()).allSatisfy(r -> assertThat(r.<String>getAs("error")).isNull());
    assertThat(byKey(o.resolve("identify.parquet")).values()).allSatisfy(r -> {
      assertThat(r.<String>getAs("decision")).isEqualTo("MATCH");
      assertThat(r.<String>getAs("error")).isNull();
    });
    Row e2 = verify.get("e2");
    assertThat(e2.<Double>getAs("threshold")).isEqualTo(0.6);
    assertThat(e2.<String>getAs("reason")).contains("resident benoit is nearer");
  }

  @Test
  void withoutTheRankRuleResizedCropsWouldLetTheImpostorIn() {
    // the crops resized whole (no detection) compress dlib's distances: benoit on kian's badge
    // is under 0.6, and only the rank rule catches him; the reason the rule exists
    Path table = out.resolve("resized-residents");
    ok("enroll", "--manifest", SAMPLES.resolve("residents.csv").toString(), "--images-root",
        images.toString(), "--table", table.toString(), "--align", "none");
    Path o = out.resolve("resized");
    ok("verify", "--events", SAMPLES.resolve("badge-events.csv").toString(), "--images-root",
        images.toString(), "--table", table.toString(), "--out", o.toString(), "--align", "none");
    Row e2 = byKey(o.resolve("verify.parquet")).get("e2");
    assertThat(e2.<String>getAs("decision")).isEqualTo("REJECT");
    assertThat(e2.<Double>getAs("distance")).isLessThan(0.6);
    assertThat(e2.<String>getAs("reason")).contains("resident benoit is nearer");
    Path off = out.resolve("rank-off");
    ok("verify", "--events", SAMPLES.resolve("badge-events.csv").toString(), "--images-root",
        images.toString(), "--table", table.toString(), "--out", off.toString(),
        "--rank-margin", "off", "--align", "none");
    assertThat(byKey(off.resolve("verify.parquet")).get("e2").<String>getAs("decision"))
        .isEqualTo("ACCEPT");
  }

  /** The audit report of the badge events: e2 and the close accepts to check, most doubtful first. */
  @Test
  void theVerifyReportShowsTheImpostorBesideBothResidents() throws Exception {
    ReportPage page = new ReportPage(demo.resolve("verify-report.html"));
    page.assertSelfContained();
    assertThat(page.headings()).containsExactly("Decisions", "Distances", "To check (3)",
        "Not checked (0)");
    assertThat(page.text("//table[1]")).contains("modeldlib-resnet-v1")
        .contains("threshold0.5000").contains("images6 (").contains("badge-events.csv");
    assertThat(page.text("//h2[@id='decisions']/following-sibling::table[1]"))
        .contains("ACCEPT583.3%").contains("REJECT116.7%");
    assertThat(page.count("//svg")).isEqualTo(1);
    assertThat(page.count("//svg//rect[@fill-opacity='0.5']")).as("bars").isEqualTo(5);
    assertThat(page.count("//svg//line[@stroke-dasharray]")).as("threshold, review").isEqualTo(2);
    assertThat(page.text("//svg//text[starts-with(., 'threshold ')]"))
        .isEqualTo("threshold 0.5000");

    // e5 and e6 accepted within the review margin 0.1 of the threshold; e2 rejected, benoit
    // nearer than kian: the most doubtful (smallest margin) first
    List<org.w3c.dom.Element> cards = page.cards("check");
    assertThat(cards).hasSize(3);
    assertThat(page.lines(cards.get(0)).get(0)).isEqualTo("ACCEPT · e5 · claims dan");
    assertThat(page.labels(cards.get(0))).containsExactly("probe", "dan (claimed) 0.4212");
    assertThat(page.lines(cards.get(1)).get(0)).isEqualTo("ACCEPT · e6 · claims arnaud");
    assertThat(page.lines(cards.get(2)).get(0)).isEqualTo("REJECT · e2 · claims kian");
    assertThat(page.labels(cards.get(2))).containsExactly("probe", "kian (claimed) 0.6031",
        "benoit (nearest) 0.3177");
    assertThat(page.lines(cards.get(2))).anySatisfy(l -> assertThat(l)
        .contains("resident benoit is nearer (0.3177)")).last().asString()
        .endsWith("camera_2.jpg");
    assertThat(page.margins("check")).isSorted().containsExactly(0.0788, 0.0796, 0.2854);
    assertThat(cards.get(2).getAttribute("class")).isEqualTo("card tagged bad");
    assertThat(page.assertThumbnails()).isEqualTo(7);
  }

  /** The camera log's report: two close matches to check, the residents seen, no strangers. */
  @Test
  void theIdentifyReportCountsTheResidentsSeen() throws Exception {
    ReportPage page = new ReportPage(demo.resolve("identify-report.html"));
    page.assertSelfContained();
    assertThat(page.headings()).containsExactly("Decisions", "Distances", "To check (2)",
        "Not checked (0)", "Residents seen (5)", "Unknown faces seen more than once (0)");
    List<org.w3c.dom.Element> cards = page.cards("check");
    assertThat(cards).hasSize(2);
    assertThat(page.lines(cards.get(0))).startsWith("MATCH · cam4 · dan",
        "margin 0.0788 · distance 0.4212 · threshold 0.5000",
        "nearest: dan 0.4212, kian 0.5161, benoit 0.5977");
    assertThat(page.labels(cards.get(0))).containsExactly("probe", "dan 0.4212",
        "kian 0.5161", "benoit 0.5977");
    assertThat(page.margins("check")).containsExactly(0.0788, 0.0796);
    assertThat(page.assertThumbnails()).isEqualTo(8);
    assertThat(page.text("//h2[@id='residents']/following-sibling::table[1]/tbody/tr[1]"))
        .isEqualTo("bertrand22017-11-20T08:02:472017-11-20T08:11:30");
  }

  /** Both reports open in headless Chromium: a screenshot with the cards' colours. */
  @Test
  void theReportsRenderInAHeadlessBrowser() throws Exception {
    for (String job : List.of("verify", "identify")) {
      Path png = out.resolve(job + ".png");
      Process p = new ProcessBuilder("../scripts/screenshot",
          demo.resolve(job + "-report.html").toString(), png.toString(), "1280", "1600")
          .redirectErrorStream(true).start();
      String said = new String(p.getInputStream().readAllBytes());
      int code = p.waitFor();
      org.junit.jupiter.api.Assumptions.assumeTrue(code != 3, "no Chromium: " + said);
      assertThat(code).as(said).isZero();
      java.awt.image.BufferedImage img = javax.imageio.ImageIO.read(png.toFile());
      assertThat(img.getWidth()).isEqualTo(1280);
      java.util.Set<Integer> colours = new java.util.HashSet<>();
      for (int y = 0; y < img.getHeight(); y += 2) {
        for (int x = 0; x < img.getWidth(); x += 2) {
          colours.add(img.getRGB(x, y) & 0xffffff);
        }
      }
      // the photos make thousands of colours; the card edges are the report's green and red
      assertThat(colours.size()).as(job).isGreaterThan(1000);
      assertThat(colours).as(job).contains(0x2ca02c);
      if (job.equals("verify")) {
        assertThat(colours).contains(0xd62728);
      }
    }
  }

  /** The README's query of one resident's events, over two output tables as views. */
  @Test
  void queryJoinsTheOutputsAndTheResidentsWithTheFaceFunctions() throws java.io.IOException {
    String[] views = {"--table", "residents=" + out.resolve("residents"), "--table",
        "verifications=" + demo.resolve("verify.parquet"), "--table",
        "identifications=" + demo.resolve("identify.parquet"), "--conf", conf};
    Result events = ok(with(views, "SELECT 'verify' AS job, event_id, decision, "
        + "round(distance, 4) AS distance FROM verifications WHERE claimed_id = 'bertrand' "
        + "UNION ALL SELECT 'identify', event_id, decision, round(distance, 4) "
        + "FROM identifications WHERE identity = 'bertrand' ORDER BY job, event_id"));
    List<String> lines = events.out().lines().toList();
    assertThat(lines.get(0)).matches("job +event_id +decision +distance");
    assertThat(lines.get(1)).matches("-+  -+  -+  -+");
    assertThat(lines.subList(2, lines.size())).satisfiesExactly(
        l -> assertThat(l).matches("identify +cam1 +MATCH +0\\.\\d{4}"),
        l -> assertThat(l).matches("identify +cam3 +MATCH +0\\.\\d{4}"),
        l -> assertThat(l).matches("verify +e3 +ACCEPT +0\\.\\d{4}"),
        l -> assertThat(l).matches("verify +e4 +ACCEPT +0\\.\\d{4}"),
        l -> assertThat(l).isEqualTo("(4 rows)"));

    // the functions see the stored encodings: identify's distance again, from SQL
    Path csv = out.resolve("query/same.csv");
    Result written = ok(with(views, "--out", csv.toString(), "SELECT i.event_id, "
        + "face_distance(i.embedding, r.embedding) = i.distance AS same, "
        + "face_nearest(i.embedding, 'residents', 3) AS nearest, i.candidates "
        + "FROM identifications i JOIN residents r ON r.resident_id = i.identity "
        + "ORDER BY i.event_id"));
    assertThat(written.out()).isEqualTo("facerec query: 6 rows written to " + csv + "\n");
    List<String> rows = java.nio.file.Files.readAllLines(csv);
    assertThat(rows).hasSize(7);
    assertThat(rows.get(0)).isEqualTo("event_id,same,nearest,candidates");
    for (String row : rows.subList(1, 7)) {
      assertThat(row).contains(",true,");
      // face_nearest's top 3 are identify's candidates, as the same JSON
      String json = row.substring(row.indexOf(",true,") + 6);
      assertThat(json).matches("(\"\\[.*\\]\"),\\1");
    }

    Result bad = facerec(with(views, "SELECT nope FROM residents"));
    assertThat(bad.exitCode()).isEqualTo(1);
    assertThat(bad.err()).startsWith("facerec query: ").contains("nope");
    assertThat(bad.err().strip().lines().count()).isEqualTo(1);
  }

  /** show prints the demo's distances to 4 decimals, as the summaries do; --digits -1 all. */
  @Test
  void showRoundsTheDistancesItPrints() {
    String csv = demo.resolve("verify.csv").toString();
    Map<String, Row> verify = byKey(demo.resolve("verify.parquet"));
    List<String> lines = ok("show", csv, "--columns", "event_id,distance").out().lines().toList();
    assertThat(lines).hasSize(8);
    for (String line : lines.subList(2, 8)) {
      String[] cells = line.split(" +");
      double distance = verify.get(cells[0]).getAs("distance");
      assertThat(cells[1]).isEqualTo(String.format(java.util.Locale.ROOT, "%.4f", distance));
    }
    List<String> all = ok("show", csv, "--columns", "event_id,distance", "--digits", "-1").out()
        .lines().toList();
    for (String line : all.subList(2, 8)) {
      String[] cells = line.split(" +");
      assertThat(Double.parseDouble(cells[1]))
          .isEqualTo(verify.get(cells[0]).<Double>getAs("distance"));
    }
  }

  private static String[] with(String[] views, String... more) {
    List<String> args = new java.util.ArrayList<>(List.of("query"));
    args.addAll(List.of(views));
    args.addAll(List.of(more));
    return args.toArray(new String[0]);
  }

  static void assertStory(Path o) {
    Map<String, Row> verify = byKey(o.resolve("verify.parquet"));
    assertThat(verify.get("e1").<String>getAs("claimed_id")).isEqualTo("younes");
    assertThat(verify.get("e1").<String>getAs("decision")).isEqualTo("ACCEPT");
    assertThat(verify.get("e2").<String>getAs("claimed_id")).isEqualTo("kian");
    assertThat(verify.get("e2").<String>getAs("decision")).isEqualTo("REJECT");
    Map<String, Row> identify = byKey(o.resolve("identify.parquet"));
    Map<String, String> who = new LinkedHashMap<>();
    identify.forEach((k, r) -> who.put(k, r.getAs("identity")));
    assertThat(who).containsExactly(Map.entry("cam0", "younes"), Map.entry("cam1", "bertrand"),
        Map.entry("cam2", "benoit"), Map.entry("cam3", "bertrand"), Map.entry("cam4", "dan"),
        Map.entry("cam5", "arnaud"));
    assertThat(o.resolve("verify.csv")).isRegularFile();
    assertThat(o.resolve("identify.csv")).isRegularFile();
  }

  static Map<String, Row> byKey(Path parquet) {
    Map<String, Row> m = new LinkedHashMap<>();
    for (Row r : rows(parquet(parquet), "event_id")) {
      m.put(r.getAs("event_id"), r);
    }
    return m;
  }
}
