package org.facerec.config;

import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;
import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;

/**
 * facerec's settings as text, read in one place in a fixed order, later sources winning: the
 * defaults ({@code conf/facerec.conf}, bundled in the jar and, when run from an installation,
 * that installation's copy), the session's {@code spark.facerec.*} entries (spark-submit
 * {@code --conf}), {@code --conf FILE}, then {@code --set key=value}. Command options such as
 * {@code --model} are applied last by the commands themselves ({@link #with}). The keys are the
 * constants here; {@link RunConfig} turns the values into typed records, once per run.
 */
public final class Settings implements Serializable {
  private static final long serialVersionUID = 1L;

  public static final String MODEL = "facerec.model";
  public static final String MODELS_DIR = "facerec.models.dir";
  /** Where facerec train writes adapters and the jobs read them, by id. */
  public static final String ADAPTERS_DIR = "facerec.adapters.dir";
  /** How verify and identify decide: distance (the threshold) or head (the learned head). */
  public static final String DECIDE_BY = "facerec.decide-by";
  public static final String THRESHOLD_PREFIX = "facerec.threshold.";
  public static final String FRAMING = "facerec.framing";
  public static final String ALIGN = "facerec.align";
  public static final String DETECTOR = "facerec.detect.detector";
  public static final String MIN_SCORE = "facerec.detect.min-score";
  public static final String MIN_FACE_SIZE = "facerec.detect.min-face-size";
  public static final String SELECT = "facerec.detect.select";
  public static final String FALLBACK = "facerec.detect.fallback";
  public static final String CROP_MARGIN = "facerec.detect.crop-margin";
  public static final String LANDMARKS = "facerec.detect.landmarks";
  public static final String LANDMARK_PASSES = "facerec.detect.landmark-passes";
  public static final String UPSAMPLE = "facerec.detect.upsample";
  public static final String SCAN_SIDE = "facerec.detect.scan-side";
  public static final String SECOND_CHANCES = "facerec.detect.second-chances";
  public static final String SECOND_CHANCE_MIN_SCORE = "facerec.detect.second-chance-min-score";
  public static final String MAX_SIDE = "facerec.image.max-side";
  public static final String MIRROR = "facerec.encode.mirror";
  public static final String BATCH_SIZE = "facerec.batch-size";
  public static final String THREADS = "facerec.threads";
  public static final String PARTITIONS = "facerec.partitions";
  public static final String EXTENSIONS = "facerec.image.extensions";
  public static final String MAX_PIXELS = "facerec.image.max-pixels";
  public static final String MAX_BYTES = "facerec.image.max-bytes";
  public static final String MIN_SIDE = "facerec.image.min-side";
  public static final String VERIFY_AGAINST = "facerec.verify.against";
  public static final String RANK_MARGIN = "facerec.verify.rank-margin";
  public static final String TOP_K = "facerec.identify.top-k";
  public static final String BROADCAST_MAX_ROWS = "facerec.identify.broadcast-max-rows";
  public static final String BLOCK_ROWS = "facerec.identify.block-rows";
  // the audit reports of verify and identify (org.facerec.report.AuditReports)
  public static final String REPORT_MARGIN = "facerec.report.margin";
  public static final String REPORT_MAX_ITEMS = "facerec.report.max-items";
  // outputs and data protection (org.facerec.io: Outputs, Protection)
  public static final String OUTPUT_COMMIT = "facerec.output.commit";
  public static final String ENCRYPTION = "facerec.encryption.enabled";
  public static final String ENCRYPTION_KMS_CLIENT = "facerec.encryption.kms-client";
  public static final String ENCRYPTION_KMS_INSTANCE_ID = "facerec.encryption.kms-instance-id";
  public static final String ENCRYPTION_KMS_INSTANCE_URL = "facerec.encryption.kms-instance-url";
  public static final String ENCRYPTION_FOOTER_KEY = "facerec.encryption.footer-key";
  public static final String ENCRYPTION_COLUMN_KEY = "facerec.encryption.column-key";
  public static final String ENCRYPTION_IMAGE_PATH = "facerec.encryption.image-path";
  public static final String ENCRYPTION_PLAINTEXT_FOOTER = "facerec.encryption.plaintext-footer";
  /** Set by scripts/facerec: relative paths in settings are relative to it. */
  public static final String HOME_PROPERTY = "facerec.home";

  private static final String DEFAULTS_RESOURCE = "/facerec.conf";
  private static final String SPARK_PREFIX = "spark.";

  private final Map<String, String> values;

  private Settings(Map<String, String> values) {
    this.values = values;
  }

  /**
   * @param sparkConf the session's settings (entries {@code spark.facerec.*} count)
   * @param confFile a user's conf file, or null
   * @param overrides {@code key=value} pairs
   */
  public static Settings load(Map<String, String> sparkConf, Path confFile, List<String> overrides)
      throws IOException {
    Map<String, String> v = new LinkedHashMap<>();
    try (InputStream in = Settings.class.getResourceAsStream(DEFAULTS_RESOURCE)) {
      if (in == null) {
        throw new IOException("the bundled defaults " + DEFAULTS_RESOURCE + " are missing");
      }
      putAll(v, read(new java.io.InputStreamReader(in, StandardCharsets.UTF_8)));
    }
    // the installation's own conf/facerec.conf, so that edits there count without a rebuild
    String home = System.getProperty(HOME_PROPERTY);
    if (home != null) {
      Path installed = Paths.get(home, "conf", "facerec.conf");
      if (Files.isRegularFile(installed)) {
        try (Reader r = Files.newBufferedReader(installed, StandardCharsets.UTF_8)) {
          putAll(v, read(r));
        }
      }
    }
    for (Map.Entry<String, String> e : sparkConf.entrySet()) {
      if (e.getKey().startsWith(SPARK_PREFIX + "facerec.")) {
        v.put(e.getKey().substring(SPARK_PREFIX.length()), e.getValue());
      }
    }
    if (confFile != null) {
      if (!Files.isRegularFile(confFile)) {
        throw new IOException("conf file " + confFile + " does not exist");
      }
      try (Reader r = Files.newBufferedReader(confFile, StandardCharsets.UTF_8)) {
        putAll(v, read(r));
      } catch (IllegalArgumentException e) {
        throw new IOException("cannot read conf file " + confFile + ": " + e.getMessage());
      }
    }
    for (String o : overrides) {
      int eq = o.indexOf('=');
      if (eq <= 0) {
        throw new IllegalArgumentException("--set expects key=value, got '" + o + "'");
      }
      v.put(o.substring(0, eq).trim(), o.substring(eq + 1).trim());
    }
    return new Settings(v);
  }

  private static Properties read(Reader r) throws IOException {
    Properties p = new Properties();
    p.load(r);
    return p;
  }

  private static void putAll(Map<String, String> into, Properties p) {
    for (String k : p.stringPropertyNames()) {
      into.put(k, p.getProperty(k).trim());
    }
  }

  /** The settings a session carries: the defaults, then its {@code spark.facerec.*} entries. */
  public static Settings of(org.apache.spark.sql.SparkSession session) throws IOException {
    return load(sessionConf(session), null, List.of());
  }

  /** Every entry of the session's Spark configuration. */
  public static Map<String, String> sessionConf(org.apache.spark.sql.SparkSession session) {
    Map<String, String> conf = new LinkedHashMap<>();
    for (scala.Tuple2<String, String> t : session.sparkContext().getConf().getAll()) {
      conf.put(t._1(), t._2());
    }
    return conf;
  }

  /** A copy with {@code key} set (command options go through here). */
  public Settings with(String key, String value) {
    Map<String, String> v = new LinkedHashMap<>(values);
    v.put(key, value);
    return new Settings(v);
  }

  public String get(String key) {
    String v = values.get(key);
    if (v == null || v.isEmpty()) {
      throw new IllegalArgumentException("setting " + key + " is not set");
    }
    return v;
  }

  public String get(String key, String fallback) {
    String v = values.get(key);
    return v == null || v.isEmpty() ? fallback : v;
  }

  public int getInt(String key) {
    return (int) getLong(key);
  }

  public long getLong(String key) {
    String v = get(key);
    try {
      return Long.parseLong(v);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("setting " + key + " must be a whole number, not '" + v
          + "'");
    }
  }

  public double getDouble(String key) {
    String v = get(key);
    try {
      return Double.parseDouble(v);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("setting " + key + " must be a number, not '" + v + "'");
    }
  }

  public boolean getBoolean(String key) {
    String v = get(key).toLowerCase(Locale.ROOT);
    if (!v.equals("true") && !v.equals("false")) {
      throw new IllegalArgumentException("setting " + key + " must be true or false, not '" + v
          + "'");
    }
    return v.equals("true");
  }

  /** True when {@code key} is set, even to an empty value. */
  public boolean has(String key) {
    return values.containsKey(key);
  }

  /** A comma-separated list, each item trimmed. */
  public List<String> getList(String key) {
    List<String> out = new ArrayList<>();
    for (String item : get(key).split(",")) {
      out.add(item.trim());
    }
    return out;
  }

  /** An enum setting written in lower case with dashes, e.g. nearest-centre. */
  public <E extends Enum<E>> E choice(String key, Class<E> type) {
    String v = get(key);
    try {
      return Enum.valueOf(type, v.trim().toUpperCase(Locale.ROOT).replace('-', '_'));
    } catch (IllegalArgumentException e) {
      StringBuilder known = new StringBuilder();
      for (E c : type.getEnumConstants()) {
        known.append(known.length() == 0 ? "" : ", ").append(name(c));
      }
      throw new IllegalArgumentException("setting " + key + " must be one of " + known
          + ", not '" + v + "'");
    }
  }

  /** How a choice is written in settings and shown to people: lower case, dashes. */
  public static String name(Enum<?> choice) {
    return choice.name().toLowerCase(Locale.ROOT).replace('_', '-');
  }

  /** A path setting resolved against facerec's home when relative. */
  public static Path resolve(String path) {
    Path p = Paths.get(path);
    String home = System.getProperty(HOME_PROPERTY);
    return p.isAbsolute() || home == null ? p : Paths.get(home).resolve(p).normalize();
  }

  public Map<String, String> asMap() {
    return java.util.Collections.unmodifiableMap(values);
  }
}
