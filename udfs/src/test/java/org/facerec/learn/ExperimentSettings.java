package org.facerec.learn;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import org.facerec.detect.FinderSettings;
import org.facerec.image.Framing;
import org.facerec.pipeline.EncodeOptions;

/**
 * The encoding settings of an experiment, read the way the jobs read theirs (the jobs module's
 * {@code Settings}, which this test tree cannot see): {@code conf/facerec.conf}, then each conf
 * file in order, then {@code key=value} overrides. Only the keys that make an encoding are read,
 * with the enroll job's several-faces choice ({@code facerec.enroll.multiple-faces}).
 *
 * @param sources what was layered, for the printed table
 * @param values the merged settings
 */
record ExperimentSettings(List<String> sources, Map<String, String> values) {

  /** {@code conf/facerec.conf} under {@code home}, then {@code confs}, then {@code sets}. */
  static ExperimentSettings read(Path home, List<Path> confs, List<String> sets)
      throws IOException {
    Map<String, String> v = new TreeMap<>();
    List<String> sources = new ArrayList<>();
    Path defaults = home.resolve("conf/facerec.conf");
    load(defaults, v);
    sources.add("conf/facerec.conf");
    for (Path c : confs) {
      load(c, v);
      sources.add(home.relativize(c.toAbsolutePath().normalize()).toString());
    }
    for (String s : sets) {
      int eq = s.indexOf('=');
      if (eq < 1) {
        throw new IllegalArgumentException("--set wants key=value, not '" + s + "'");
      }
      v.put(s.substring(0, eq).trim(), s.substring(eq + 1).trim());
      sources.add(s);
    }
    return new ExperimentSettings(List.copyOf(sources), v);
  }

  private static void load(Path file, Map<String, String> into) throws IOException {
    Properties p = new Properties();
    try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      p.load(r);
    }
    for (String k : p.stringPropertyNames()) {
      into.put(k, p.getProperty(k).trim());
    }
  }

  /** This and then more conf files or overrides. */
  ExperimentSettings with(Path home, List<Path> confs, List<String> sets) throws IOException {
    Map<String, String> v = new TreeMap<>(values);
    List<String> s = new ArrayList<>(sources);
    for (Path c : confs) {
      load(c, v);
      s.add(home.relativize(c.toAbsolutePath().normalize()).toString());
    }
    for (String kv : sets) {
      int eq = kv.indexOf('=');
      v.put(kv.substring(0, eq).trim(), kv.substring(eq + 1).trim());
      s.add(kv);
    }
    return new ExperimentSettings(List.copyOf(s), v);
  }

  String get(String key) {
    String s = values.get(key);
    if (s == null) {
      throw new IllegalArgumentException("setting " + key + " is missing");
    }
    return s;
  }

  /** What enroll would encode with under these settings. */
  EncodeOptions encodeOptions() {
    return new EncodeOptions(Integer.parseInt(get("facerec.batch-size")),
        Framing.parse(get("facerec.framing")), finder(),
        values.getOrDefault("facerec.enroll.multiple-faces", "select").equals("reject"),
        Integer.parseInt(get("facerec.image.max-side")),
        Long.parseLong(get("facerec.image.max-pixels")),
        Long.parseLong(get("facerec.image.max-bytes")), Integer.parseInt(get("facerec.threads")),
        Integer.parseInt(get("facerec.image.min-side")),
        Boolean.parseBoolean(values.getOrDefault("facerec.enroll.mirror",
            get("facerec.encode.mirror"))));
  }

  private FinderSettings finder() {
    FinderSettings.Alignment align = choice("facerec.align", FinderSettings.Alignment.class);
    if (align == FinderSettings.Alignment.NONE) {
      return null;
    }
    return new FinderSettings(choice("facerec.detect.detector", FinderSettings.Detector.class),
        Double.parseDouble(get("facerec.detect.min-score")),
        Double.parseDouble(get("facerec.detect.min-face-size")),
        choice("facerec.detect.select", FinderSettings.Select.class),
        choice("facerec.detect.fallback", FinderSettings.Fallback.class), align,
        get("facerec.model"), Double.parseDouble(get("facerec.detect.crop-margin")),
        Integer.parseInt(get("facerec.detect.landmark-passes")));
  }

  private <E extends Enum<E>> E choice(String key, Class<E> type) {
    return Enum.valueOf(type, get(key).toUpperCase(Locale.ROOT).replace('-', '_'));
  }

  /** One line for the table: the options as the pipeline sees them. */
  String describe() {
    EncodeOptions o = encodeOptions();
    FinderSettings f = o.finder();
    String finder = f == null ? "align none, framing " + o.framing()
        : String.format(Locale.ROOT, "%s > %.2f, min %.0f px, %s, fallback %s, %s%s",
            f.detector(), f.minScore(), f.minFaceSize(), f.select(), f.fallback(),
            f.alignment(), f.alignment() == FinderSettings.Alignment.LANDMARKS
                ? " x" + f.landmarkPasses() : " margin " + f.cropMargin());
    return (finder + (o.mirror() ? ", mirror average" : "")).toLowerCase(Locale.ROOT);
  }
}
