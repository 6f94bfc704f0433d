package org.facerec.eval;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;

/**
 * Reads a list of labelled pairs in either of two formats, told apart by the first line:
 * <ul>
 *   <li>CSV with the header {@code fold,path1,path2,same} ({@code same} is 1/0 or true/false; no
 *       quoting, so paths cannot contain commas);
 *   <li>LFW's {@code pairs.txt}: a first line {@code folds pairsPerFold} (or a single count, one
 *       fold), then per fold {@code n} same-person lines {@code name i j} followed by {@code n}
 *       different-person lines {@code name1 i name2 j}, fields separated by tabs or spaces; image
 *       {@code i} of {@code name} is {@code name/name_%04d.jpg}.
 * </ul>
 * A malformed line fails with the file name and the line number.
 */
public final class PairsFile {
  static final String CSV_HEADER = "fold,path1,path2,same";

  private PairsFile() {}

  public static List<Pair> read(Path file) throws IOException {
    return parse(file.getFileName().toString(), Files.readAllLines(file, StandardCharsets.UTF_8));
  }

  /** Parses {@code lines}; {@code source} names the file in error messages. */
  public static List<Pair> parse(String source, List<String> lines) {
    int first = 0;
    while (first < lines.size() && lines.get(first).isBlank()) {
      first++;
    }
    if (first == lines.size()) {
      throw new IllegalArgumentException(source + ": no pairs (the file is empty)");
    }
    String head = stripBom(lines.get(first)).trim();
    return head.contains(",") ? parseCsv(source, lines, first) : parseLfw(source, lines, first);
  }

  /** Every image path the pairs name, once each, in order of first appearance. */
  public static List<String> distinctPaths(List<Pair> pairs) {
    LinkedHashSet<String> paths = new LinkedHashSet<>();
    for (Pair p : pairs) {
      paths.add(p.path1());
      paths.add(p.path2());
    }
    return new ArrayList<>(paths);
  }

  /** LFW's file name for image {@code number} of {@code name}. */
  public static String lfwPath(String name, int number) {
    return String.format(Locale.ROOT, "%s/%s_%04d.jpg", name, name, number);
  }

  private static List<Pair> parseCsv(String source, List<String> lines, int headerIndex) {
    String header = stripBom(lines.get(headerIndex)).trim().toLowerCase(Locale.ROOT)
        .replace(" ", "");
    if (!header.equals(CSV_HEADER)) {
      throw error(source, headerIndex, "expected the header '" + CSV_HEADER + "', got '"
          + lines.get(headerIndex).trim() + "'");
    }
    List<Pair> pairs = new ArrayList<>();
    for (int i = headerIndex + 1; i < lines.size(); i++) {
      String line = lines.get(i);
      if (line.isBlank()) {
        continue;
      }
      String[] f = line.split(",", -1);
      if (f.length != 4) {
        throw error(source, i, "expected 4 fields " + CSV_HEADER + ", got " + f.length);
      }
      int fold = positiveInt(source, i, "fold", f[0]);
      String p1 = path(source, i, "path1", f[1]);
      String p2 = path(source, i, "path2", f[2]);
      pairs.add(new Pair(fold, p1, p2, sameFlag(source, i, f[3])));
    }
    if (pairs.isEmpty()) {
      throw new IllegalArgumentException(source + ": no pairs after the header");
    }
    return pairs;
  }

  private static List<Pair> parseLfw(String source, List<String> lines, int headerIndex) {
    String[] head = fields(stripBom(lines.get(headerIndex)));
    if (head.length < 1 || head.length > 2) {
      throw error(source, headerIndex, "expected a first line 'folds pairsPerFold' or a single "
          + "count, got '" + lines.get(headerIndex).trim() + "'");
    }
    int folds = head.length == 2 ? positiveInt(source, headerIndex, "folds", head[0]) : 1;
    int perFold = positiveInt(source, headerIndex, "pairsPerFold", head[head.length - 1]);
    List<Pair> pairs = new ArrayList<>(2 * folds * perFold);
    int i = headerIndex + 1;
    for (int fold = 1; fold <= folds; fold++) {
      for (int k = 0; k < 2 * perFold; k++, i++) {
        boolean same = k < perFold;
        String what = (same ? "same-person line 'name i j'" : "different-person line "
            + "'name1 i name2 j'") + " (pair " + (k + 1) + " of fold " + fold + ")";
        if (i >= lines.size()) {
          throw error(source, i, "file ends early: expected a " + what);
        }
        String[] f = fields(lines.get(i));
        if (f.length != (same ? 3 : 4)) {
          throw error(source, i, "expected a " + what + ", got " + f.length + " fields");
        }
        if (same) {
          pairs.add(new Pair(fold, lfwPath(f[0], positiveInt(source, i, "i", f[1])),
              lfwPath(f[0], positiveInt(source, i, "j", f[2])), true));
        } else {
          pairs.add(new Pair(fold, lfwPath(f[0], positiveInt(source, i, "i", f[1])),
              lfwPath(f[2], positiveInt(source, i, "j", f[3])), false));
        }
      }
    }
    for (; i < lines.size(); i++) {
      if (!lines.get(i).isBlank()) {
        throw error(source, i, "more lines than the first line announces (" + folds + " folds of "
            + perFold + " same and " + perFold + " different pairs)");
      }
    }
    return pairs;
  }

  private static String[] fields(String line) {
    String t = line.trim();
    return t.isEmpty() ? new String[0] : t.split("\\s+");
  }

  private static int positiveInt(String source, int line, String what, String text) {
    try {
      int v = Integer.parseInt(text.trim());
      if (v > 0) {
        return v;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw error(source, line, what + " must be a positive integer, got '" + text.trim() + "'");
  }

  private static String path(String source, int line, String what, String text) {
    String p = text.trim();
    if (p.isEmpty()) {
      throw error(source, line, what + " is empty");
    }
    return p;
  }

  private static boolean sameFlag(String source, int line, String text) {
    switch (text.trim().toLowerCase(Locale.ROOT)) {
      case "1":
      case "true":
        return true;
      case "0":
      case "false":
        return false;
      default:
        throw error(source, line, "same must be 1, 0, true or false, got '" + text.trim() + "'");
    }
  }

  private static String stripBom(String s) {
    return s.startsWith("\uFEFF") ? s.substring(1) : s;
  }

  /** {@code index} is 0-based; messages count lines from 1, as editors do. */
  private static IllegalArgumentException error(String source, int index, String message) {
    return new IllegalArgumentException(source + ":" + (index + 1) + ": " + message);
  }
}
