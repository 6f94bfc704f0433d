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
 * broadcast and when it is matched as a blocked join; and people with a photo in the gallery are
 * mostly found.
 */
class IdentifyExactnessTest extends SparkTest {
  static final int K = 5;
  @TempDir
  static Path dir;
  static Path table;
  static Path log;

  /** Gallery: the first photo of 120 people with several; probes: their other photos + 40 others. */
  @BeforeAll
  static void enrolGallery() throws IOException {
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
        }
      }
    }
    Files.write(dir.resolve("manifest.csv"), manifest);
    log = Files.write(dir.resolve("log.csv"), events);
    table = dir.resolve("residents");
    ok("enroll", "--manifest", dir.resolve("manifest.csv").toString(), "--table",
        table.toString(), "--framing", "lfw", "--align", "none");
  }

  private Map<String, Row> identify(String name, String... settings) {
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
    Map<String, Row> broadcast = identify("broadcast");
    Map<String, Row> blocked = identify("blocked", "facerec.identify.broadcast-max-rows=0",
        "facerec.identify.block-rows=17");
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

}
