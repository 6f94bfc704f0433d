package org.facerec.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Row;
import org.facerec.TestData;
import org.facerec.match.Distances;
import org.facerec.spark.Embeddings;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * identify on lfw-dev equals a brute-force scan of the residents table, both when the table is
 * broadcast and when it is matched as a blocked join; people with a photo in the gallery are
 * mostly found; and the run's report lists the doubtful decisions and groups the strangers.
 */
class IdentifyExactnessTest extends SparkTest {
  static final int K = 5;
  @TempDir
  static Path dir;
  static Path table;
  static Path log;
  /** People with several photos and none enrolled: each must show up once among the strangers. */
  static final List<String> RECURRING = new ArrayList<>();
  static Map<String, Row> broadcast;
  static Map<String, Row> blocked;

  /**
   * Gallery: the first photo of 120 people with several; probes: their other photos, 40 people
   * with one photo, and three with four or more photos who are not enrolled.
   */
  @BeforeAll
  static void enrolGalleryAndIdentify() throws IOException {
    Path lfw = TestData.data("lfw-dev/images");
    List<String> manifest = new ArrayList<>(List.of("resident_id,path"));
    List<String> events = new ArrayList<>(List.of("event_id,image_path"));
    int gallery = 0;
    int strangers = 0;
    try (var people = Files.list(lfw)) {
      for (Path person : people.sorted().toList()) {
        List<Path> photos;
        try (var f = Files.list(person)) {
          photos = f.sorted().toList();
        }
        String name = person.getFileName().toString();
        if (photos.size() >= 2 && gallery < 120) {
          gallery++;
          manifest.add(name + "," + photos.get(0));
          for (Path p : photos.subList(1, photos.size())) {
            events.add(p.getFileName() + "," + p);
          }
        } else if (photos.size() == 1 && strangers < 40) {
          strangers++;
          events.add(photos.get(0).getFileName() + "," + photos.get(0));
        } else if (photos.size() >= 4 && gallery == 120 && RECURRING.size() < 3) {
          RECURRING.add(name);
          for (Path p : photos) {
            events.add(p.getFileName() + "," + p);
          }
        }
      }
    }
    Files.write(dir.resolve("manifest.csv"), manifest);
    log = Files.write(dir.resolve("log.csv"), events);
    table = dir.resolve("residents");
    ok("enroll", "--manifest", dir.resolve("manifest.csv").toString(), "--table",
        table.toString(), "--framing", "lfw", "--align", "none");
    assertThat(RECURRING).hasSize(3);
    broadcast = identify("broadcast");
    blocked = identify("blocked", "facerec.identify.broadcast-max-rows=0",
        "facerec.identify.block-rows=17");
  }

  private static Map<String, Row> identify(String name, String... settings) {
    List<String> args = new ArrayList<>(List.of("identify", "--log", log.toString(), "--table",
        table.toString(), "--out", dir.resolve(name).toString(), "--top-k", Integer.toString(K),
        "--framing", "lfw", "--align", "none"));
    for (String s : settings) {
      args.add("--set");
      args.add(s);
    }
    ok(args.toArray(new String[0]));
    Map<String, Row> out = new LinkedHashMap<>();
    for (Row r : rows(parquet(dir.resolve(name).resolve("identify.parquet")), "event_id")) {
      out.put(r.getAs("event_id"), r);
    }
    return out;
  }

  @Test
  void broadcastAndBlockedSearchesBothEqualBruteForce() {
    Map<String, float[]> residents = new HashMap<>();
    for (Row r : parquet(table).filter("status = 'OK'").collectAsList()) {
      residents.put(r.getAs("resident_id"), Embeddings.of(r, r.fieldIndex("embedding")));
    }
    // a few gallery photos may have no detectable face (NO_FACE rows): every other one counts
    assertThat(residents.size()).isBetween(110, 120);
    assertThat(broadcast.size()).isGreaterThan(150);
    assertThat(blocked.keySet()).isEqualTo(broadcast.keySet());
    int found = 0;
    int probes = 0;
    int faces = 0;
    for (Map.Entry<String, Row> e : broadcast.entrySet()) {
      Row r = e.getValue();
      assertThat(blocked.get(e.getKey()).<String>getAs("decision"))
          .isEqualTo(r.<String>getAs("decision"));
      if ("NO_FACE".equals(r.getAs("decision"))) {
        continue; // no encoding, nothing to search
      }
      faces++;
      assertThat(r.<String>getAs("decision")).isIn("MATCH", "UNKNOWN");
      float[] probe = Embeddings.of(r, r.fieldIndex("embedding"));
      List<Map.Entry<String, Double>> brute = new ArrayList<>();
      residents.forEach((id, v) -> brute.add(Map.entry(id, Distances.l2(probe, v))));
      brute.sort(Map.Entry.<String, Double>comparingByValue()
          .thenComparing(Map.Entry.comparingByKey()));
      for (Row got : List.of(r, blocked.get(e.getKey()))) {
        List<Row> cands = got.getList(got.fieldIndex("candidates"));
        assertThat(cands).hasSize(K);
        for (int i = 0; i < K; i++) {
          assertThat(cands.get(i).getString(0)).as("%s #%d", e.getKey(), i)
              .isEqualTo(brute.get(i).getKey());
          assertThat(cands.get(i).getDouble(1)).isEqualTo(brute.get(i).getValue());
        }
      }
      String person = e.getKey().replaceAll("_\\d{4}\\.jpg$", "");
      if (residents.containsKey(person)) {
        probes++;
        if (person.equals(((Row) r.getList(r.fieldIndex("candidates")).get(0)).getString(0))) {
          found++;
        }
      }
    }
    assertThat(faces).isGreaterThan(broadcast.size() * 9 / 10);
    // a rank-1 sanity floor, not a benchmark (the evaluation job measures that)
    System.out.printf("lfw-dev identify: rank-1 %d of %d probes%n", found, probes);
    assertThat((double) found / probes).isGreaterThan(0.8);
  }

  /**
   * The report of the broadcast run: every UNKNOWN and every MATCH within 0.1 of the threshold
   * listed, most doubtful first, with the probe and its three nearest residents' photos; each
   * recurring stranger once, with his count.
   */
  @Test
  void theReportListsTheDoubtfulAndGroupsTheStrangers() throws Exception {
    ReportPage page = new ReportPage(dir.resolve("broadcast/identify-report.html"));
    page.assertSelfContained();
    long unknown = broadcast.values().stream().filter(r -> "UNKNOWN".equals(r.getAs("decision")))
        .count();
    long close = broadcast.values().stream().filter(r -> "MATCH".equals(r.getAs("decision"))
        && r.<Double>getAs("distance") >= 0.5).count();
    long failed = broadcast.values().stream().filter(r -> r.getAs("distance") == null).count();
    assertThat(unknown).isGreaterThanOrEqualTo(4);
    assertThat(page.headings()).contains("Decisions", "Distances",
        "To check (" + (unknown + close) + ")", "Not checked (" + failed + ")");
    List<Double> margins = page.margins("check");
    assertThat(margins).hasSize((int) (unknown + close)).isSorted();
    for (org.w3c.dom.Element card : page.cards("check")) {
      List<String> labels = page.labels(card);
      assertThat(labels).hasSize(4).first().isEqualTo("probe");
      String event = page.lines(card).get(0).split(" · ")[1];
      List<Row> cands = broadcast.get(event).getList(broadcast.get(event).fieldIndex(
          "candidates"));
      for (int i = 0; i < 3; i++) {
        assertThat(labels.get(i + 1)).isEqualTo(String.format(java.util.Locale.ROOT, "%s %.4f",
            cands.get(i).getString(0), cands.get(i).getDouble(1)));
      }
    }
    assertThat(page.count("//div[@class='cards'][preceding-sibling::h2[1][@id='check']]//img"))
        .isEqualTo(4 * margins.size());
    assertThat(page.assertThumbnails()).isGreaterThan(4 * margins.size());
    assertThat(page.count("//svg//line[@stroke-dasharray]")).isEqualTo(2);

    // the strangers: each recurring one is one group, whose count is his UNKNOWN photos
    List<org.w3c.dom.Element> groups = page.cards("strangers");
    int grouped = 0;
    int recurring = 0;
    for (String person : RECURRING) {
      long his = broadcast.values().stream().filter(r -> "UNKNOWN".equals(r.getAs("decision"))
          && r.<String>getAs("event_id").startsWith(person + "_")).count();
      if (his < 2) {
        continue; // his photos came close enough to a resident's: matched, not a stranger
      }
      recurring++;
      List<org.w3c.dom.Element> with = new ArrayList<>();
      for (org.w3c.dom.Element g : groups) {
        if (page.lines(g).get(1).contains(person + "_")) {
          with.add(g);
        }
      }
      assertThat(with).as(person).hasSize(1);
      assertThat(page.lines(with.get(0)).get(0)).isEqualTo("seen " + his + " times");
      assertThat(page.lines(with.get(0)).get(1).split(", ")).hasSize((int) his)
          .allSatisfy(e -> assertThat(e).contains(person + "_"));
    }
    assertThat(recurring).isPositive();
    for (org.w3c.dom.Element g : groups) {
      grouped += Integer.parseInt(page.lines(g).get(0).replaceAll("\\D", ""));
    }
    String note = page.text("//h2[@id='strangers']/following-sibling::p[1]");
    java.util.regex.Matcher m = java.util.regex.Pattern.compile(
        "^(\\d+) UNKNOWN faces form (\\d+) groups: (\\d+) seen more than once, (\\d+) seen once")
        .matcher(note);
    assertThat(m.find()).as(note).isTrue();
    assertThat(Long.parseLong(m.group(1))).isEqualTo(unknown);
    assertThat(Integer.parseInt(m.group(3))).isEqualTo(groups.size());
    assertThat(grouped + Integer.parseInt(m.group(4))).isEqualTo(unknown);
  }
}
