package org.facerec.detect;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@link LibstdcxxSort} leaves equal elements where GCC 12's libstdc++ does: the orders in
 * {@code std-sort-ties.txt}, printed by src/test/cpp/std_sort_ties.cpp (which says how).
 */
class LibstdcxxSortTest {
  private record Item(double key, int index) {}

  private static final LibstdcxxSort.Less<Item> LESS = (a, b) -> a.key() < b.key();

  private static Item[] items(int n) {
    Item[] v = new Item[n];
    for (int i = 0; i < n; i++) {
      v[i] = new Item((i * 37) % 11, i);
    }
    return v;
  }

  private static String order(Item[] v) {
    StringBuilder sb = new StringBuilder();
    for (Item it : v) {
      sb.append(sb.length() == 0 ? "" : " ").append(it.index());
    }
    return sb.toString();
  }

  private static List<String> expected() throws IOException {
    try (InputStream in = LibstdcxxSortTest.class.getResourceAsStream(
        "/org/facerec/detect/std-sort-ties.txt")) {
      return new String(in.readAllBytes(), StandardCharsets.US_ASCII).lines().toList();
    }
  }

  @Test
  void introsortOrdersTiesAsLibstdcxx() throws IOException {
    Item[] v = items(1000);
    LibstdcxxSort.sort(v, v.length, LESS);
    assertThat(order(v)).isEqualTo(expected().get(0));
  }

  @Test
  void reversedSortOrdersTiesAsDlib() throws IOException {
    Item[] v = items(100);
    LibstdcxxSort.sortReversed(v, v.length, LESS);
    assertThat(order(v)).isEqualTo(expected().get(1));
  }

  @Test
  void heapSortOrdersTiesAsLibstdcxx() throws IOException {
    Item[] v = items(100);
    LibstdcxxSort.heapSort(v, 0, v.length, LESS);
    assertThat(order(v)).isEqualTo(expected().get(2));
  }

  @Test
  void notStable() throws IOException {
    // the point of the port: a stable sort would differ
    Item[] v = items(100);
    java.util.Arrays.sort(v, (a, b) -> Double.compare(b.key(), a.key()));
    assertThat(order(v)).isNotEqualTo(expected().get(1));
  }
}
