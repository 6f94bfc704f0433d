package org.facerec.jobs;

import java.util.ArrayList;
import java.util.List;

/** The fields of a CSV line as Spark writes it, each kept as written (quotes and all). */
final class CsvText {
  private CsvText() {}

  static List<String> fields(String line) {
    List<String> out = new ArrayList<>();
    boolean quoted = false;
    int start = 0;
    for (int i = 0; i < line.length(); i++) {
      char c = line.charAt(i);
      if (c == '"') {
        quoted = !quoted;
      } else if (c == ',' && !quoted) {
        out.add(line.substring(start, i));
        start = i + 1;
      }
    }
    out.add(line.substring(start));
    return out;
  }
}
