package org.facerec.cli;

import java.util.List;

/** Rows as an aligned text table; the first row is the header. */
final class TableText {
  private TableText() {}

  static String render(List<List<String>> rows, List<Integer> columns, int maxWidth) {
    int[] w = new int[columns.size()];
    for (List<String> row : rows) {
      for (int j = 0; j < columns.size(); j++) {
        w[j] = Math.max(w[j], cell(row, columns.get(j), maxWidth).length());
      }
    }
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < rows.size(); i++) {
      for (int j = 0; j < columns.size(); j++) {
        String v = cell(rows.get(i), columns.get(j), maxWidth);
        sb.append(v);
        if (j < columns.size() - 1) {
          sb.append(" ".repeat(w[j] - v.length() + 2));
        }
      }
      sb.append('\n');
      if (i == 0) {
        for (int j = 0; j < columns.size(); j++) {
          sb.append("-".repeat(w[j])).append(j < columns.size() - 1 ? "  " : "");
        }
        sb.append('\n');
      }
    }
    return sb.toString();
  }

  private static String cell(List<String> row, int index, int maxWidth) {
    String v = index < row.size() ? row.get(index) : "";
    return v.length() <= maxWidth ? v : v.substring(0, maxWidth - 3) + "...";
  }
}
