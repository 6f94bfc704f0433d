package org.facerec.config;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Edits a conf file as a person would: one key set, every other line and comment kept. */
public final class ConfFile {
  private ConfFile() {}

  /**
   * Sets {@code key} in the conf file {@code file} (created when missing), keeping every other
   * line and comment: each line that sets the key is replaced in place, or, when none does, the
   * key is appended. Above it goes the comment {@code # <writer>: <note>}, replacing such a
   * comment of the same writer, so that re-runs do not pile up stale ones. The file is replaced
   * in one rename.
   */
  public static void writeKey(Path file, String key, String value, String writer, String note)
      throws IOException {
    writeKeys(file, Map.of(key, value), writer, note);
  }

  /**
   * {@link #writeKey} for several keys in one replacement of the file: the comment goes above the
   * first key, and keys that are appended follow each other without blank lines.
   */
  public static void writeKeys(Path file, Map<String, String> keys, String writer, String note)
      throws IOException {
    List<String> lines = Files.isRegularFile(file)
        ? Files.readAllLines(file, StandardCharsets.UTF_8) : List.of();
    boolean first = true;
    for (Map.Entry<String, String> e : keys.entrySet()) {
      lines = set(lines, e.getKey(), e.getValue(), "# " + writer + ":", first ? note : null);
      first = false;
    }
    replace(file, lines);
  }

  /** {@code lines} with {@code key} set; the comment {@code tag note} above it unless null. */
  private static List<String> set(List<String> lines, String key, String value, String tag,
      String note) {
    List<String> out = new ArrayList<>();
    boolean replaced = false;
    for (int i = 0; i < lines.size(); i++) {
      String line = lines.get(i);
      if (!setsKey(line, key)) {
        out.add(line);
        continue;
      }
      if (note != null) {
        if (!out.isEmpty() && out.get(out.size() - 1).startsWith(tag)) {
          out.remove(out.size() - 1);
        }
        out.add(tag + " " + note);
      }
      out.add(key + " = " + value);
      replaced = true;
      while (continues(lines.get(i)) && i + 1 < lines.size()) {
        i++; // the rest of a value continued over several lines goes with it
      }
    }
    if (!replaced) {
      if (note != null) {
        if (!out.isEmpty() && !out.get(out.size() - 1).isBlank()) {
          out.add("");
        }
        out.add(tag + " " + note);
      }
      out.add(key + " = " + value);
    }
    return out;
  }

  /** Writes {@code lines} beside {@code file} and renames them over it, keeping its mode. */
  private static void replace(Path file, List<String> lines) throws IOException {
    Path dir = file.toAbsolutePath().getParent();
    Files.createDirectories(dir);
    Path tmp = Files.createTempFile(dir, "." + file.getFileName(), ".tmp");
    try {
      Files.write(tmp, lines, StandardCharsets.UTF_8);
      if (Files.isRegularFile(file)) { // a temp file is private; the conf keeps its own mode
        try {
          Files.setPosixFilePermissions(tmp, Files.getPosixFilePermissions(file));
        } catch (UnsupportedOperationException e) {
          // not a POSIX file system: nothing to keep
        }
      }
      Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } finally {
      Files.deleteIfExists(tmp);
    }
  }

  /** True when {@code line} of a properties file assigns {@code key} (not in a comment). */
  private static boolean setsKey(String line, String key) {
    String t = line.stripLeading();
    if (t.startsWith("#") || t.startsWith("!") || !t.startsWith(key)) {
      return false;
    }
    String rest = t.substring(key.length());
    return rest.isEmpty() || rest.charAt(0) == '=' || rest.charAt(0) == ':'
        || Character.isWhitespace(rest.charAt(0));
  }

  /** A properties line ending in an odd number of backslashes continues on the next line. */
  private static boolean continues(String line) {
    int n = 0;
    for (int i = line.length() - 1; i >= 0 && line.charAt(i) == '\\'; i--) {
      n++;
    }
    return n % 2 == 1;
  }
}
