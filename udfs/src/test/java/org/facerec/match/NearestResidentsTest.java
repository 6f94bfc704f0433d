package org.facerec.match;

import static org.assertj.core.api.Assertions.assertThat;
import static org.facerec.match.RandomEncodings.unit;

import ai.djl.ndarray.NDManager;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.facerec.model.Torch;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The matmul search must give exactly what a per-pair brute-force loop gives. */
class NearestResidentsTest {

  @BeforeAll
  static void engine() {
    Torch.configure();
  }

  /** Independent reference: a loop over every pair, distances in double. */
  private static Candidate[] bruteForce(float[] probe, List<String> ids, List<float[]> rows, int k) {
    Map<String, Double> best = new LinkedHashMap<>();
    for (int i = 0; i < rows.size(); i++) {
      best.merge(ids.get(i), Distances.l2(probe, rows.get(i)), Math::min);
    }
    return best.entrySet().stream()
        .sorted(Map.Entry.<String, Double>comparingByValue().thenComparing(Map.Entry.comparingByKey()))
        .limit(k).map(e -> new Candidate(e.getKey(), e.getValue())).toArray(Candidate[]::new);
  }

  @Test
  void equalsBruteForceWithSeveralEncodingsPerResident() {
    Random r = new Random(42);
    List<String> ids = new ArrayList<>();
    List<float[]> rows = new ArrayList<>();
    for (int i = 0; i < 3000; i++) {
      ids.add("resident-" + (i % 1000)); // three encodings each
      rows.add(unit(r, 128));
    }
    List<float[]> probes = new ArrayList<>();
    for (int i = 0; i < 300; i++) {
      // half the probes are noisy copies of enrolled encodings, half strangers
      float[] p = i % 2 == 0 ? rows.get(r.nextInt(rows.size())).clone() : unit(r, 128);
      for (int c = 0; c < 128; c++) {
        p[c] += (float) (0.02 * r.nextGaussian());
      }
      probes.add(p);
    }
    try (NDManager m = NDManager.newBaseManager(); NearestResidents nn =
        new NearestResidents(ResidentMatrix.of(ids, rows), 5, m)) {
      List<Candidate[]> got = nn.search(probes);
      for (int i = 0; i < probes.size(); i++) {
        Candidate[] want = bruteForce(probes.get(i), ids, rows, 5);
        assertThat(got.get(i)).as("probe %d", i).hasSize(5);
        for (int j = 0; j < 5; j++) {
          assertThat(got.get(i)[j].residentId()).isEqualTo(want[j].residentId());
          assertThat(got.get(i)[j].distance()).isEqualTo(want[j].distance());
        }
      }
    }
  }

  /** An identify task searches batch after batch: no search may leave arrays behind. */
  @Test
  void searchesLeaveNoArraysOpen() {
    Random r = new Random(7);
    List<String> ids = new ArrayList<>();
    List<float[]> rows = new ArrayList<>();
    for (int i = 0; i < 2000; i++) {
      ids.add("r" + i);
      rows.add(unit(r, 128));
    }
    List<float[]> probes = new ArrayList<>();
    for (int i = 0; i < 50; i++) {
      probes.add(unit(r, 128));
    }
    try (NDManager m = NDManager.newBaseManager(); NearestResidents nn =
        new NearestResidents(ResidentMatrix.of(ids, rows), 1, m)) {
      int before = nn.openArrayCount();
      for (int i = 0; i < 20; i++) {
        nn.search(probes);
      }
      assertThat(nn.openArrayCount()).isEqualTo(before);
    }
  }

  @Test
  void exactTiesAndDuplicatesStillMatchBruteForce() {
    Random r = new Random(3);
    List<String> ids = new ArrayList<>();
    List<float[]> rows = new ArrayList<>();
    float[] shared = unit(r, 16);
    for (int i = 0; i < 40; i++) {
      ids.add("twin-" + i); // forty residents with the very same encoding
      rows.add(shared.clone());
    }
    for (int i = 0; i < 200; i++) {
      ids.add("other-" + i);
      rows.add(unit(r, 16));
    }
    try (NDManager m = NDManager.newBaseManager(); NearestResidents nn =
        new NearestResidents(ResidentMatrix.of(ids, rows), 3, m)) {
      Candidate[] got = nn.search(List.of(shared)).get(0);
      assertThat(Arrays.asList(got)).containsExactly(bruteForce(shared, ids, rows, 3));
      assertThat(got[0].residentId()).isEqualTo("twin-0");
      assertThat(got[0].distance()).isZero();
    }
  }

  @Test
  void fewerResidentsThanKAndNoResidents() {
    try (NDManager m = NDManager.newBaseManager()) {
      float[] a = {1, 0};
      float[] b = {0, 1};
      try (NearestResidents nn = new NearestResidents(
          ResidentMatrix.of(List.of("a", "b", "a"), List.of(a, b, new float[] {0.9f, 0})), 5, m)) {
        Candidate[] got = nn.search(List.of(new float[] {1, 0})).get(0);
        assertThat(got).hasSize(2);
        assertThat(got[0]).isEqualTo(new Candidate("a", 0.0));
        assertThat(got[1].residentId()).isEqualTo("b");
        assertThat(got[1].distance()).isCloseTo(Math.sqrt(2), org.assertj.core.api.Assertions.within(1e-12));
      }
      try (NearestResidents none = new NearestResidents(
          ResidentMatrix.of(List.of(), List.of()), 1, m)) {
        assertThat(none.search(List.of(new float[] {1, 0})).get(0)).isEmpty();
      }
    }
  }

  @Test
  void mergingBlockResultsGivesTheGlobalTopK() {
    List<Candidate> parts = List.of(new Candidate("x", 0.5), new Candidate("y", 0.2),
        new Candidate("x", 0.1), new Candidate("z", 0.3));
    assertThat(NearestResidents.merge(parts, 2))
        .containsExactly(new Candidate("x", 0.1), new Candidate("y", 0.2));
  }
}
