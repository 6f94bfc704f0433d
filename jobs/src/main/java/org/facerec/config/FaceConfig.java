package org.facerec.config;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.facerec.detect.FinderSettings;
import org.facerec.image.Framing;
import org.facerec.pipeline.EncodeOptions;

/**
 * How images become encodings: detection and alignment ({@code facerec.align},
 * {@code facerec.detect.*}; null finder settings for {@code align = none}), the framing of whole
 * images, and per job the {@link EncodeOptions} the encoding stage runs with, which add each
 * job's face policy ({@code facerec.<job>.multiple-faces}: select or reject) and mirror averaging
 * ({@code facerec.<job>.mirror}, else {@code facerec.encode.mirror}).
 *
 * @param framingSpec the framing as the settings write it, for people
 * @param partitions partitions of the encoding stage; 0: two per core of the cluster
 */
public record FaceConfig(FinderSettings finder, Framing framing, String framingSpec,
    int partitions, Map<String, EncodeOptions> byJob) {
  /** The jobs that encode images; calibrate encodes as evaluate does, query as enroll does. */
  public static final String ENROLL = "enroll";
  public static final String VERIFY = "verify";
  public static final String IDENTIFY = "identify";
  public static final String EMBED = "embed";
  public static final String EVALUATE = "evaluate";
  private static final List<String> JOBS = List.of(ENROLL, VERIFY, IDENTIFY, EMBED, EVALUATE);

  static FaceConfig of(Settings s, String modelId, InputLimits limits) {
    Map<String, Boolean> reject = new LinkedHashMap<>();
    for (String job : JOBS) {
      String multiple = s.get("facerec." + job + ".multiple-faces", "select");
      if (!multiple.equals("select") && !multiple.equals("reject")) {
        throw new IllegalArgumentException("facerec." + job + ".multiple-faces must be select "
            + "or reject, not '" + multiple + "'");
      }
      reject.put(job, multiple.equals("reject"));
    }
    int batchSize = s.getInt(Settings.BATCH_SIZE);
    Framing framing = Framing.parse(s.get(Settings.FRAMING));
    FinderSettings finder = finder(s, modelId);
    int threads = s.getInt(Settings.THREADS);
    Map<String, EncodeOptions> byJob = new LinkedHashMap<>();
    for (String job : JOBS) {
      String mirror = "facerec." + job + ".mirror";
      byJob.put(job, new EncodeOptions(batchSize, framing, finder, reject.get(job),
          limits.maxSide(), limits.maxPixels(), limits.maxBytes(), threads, limits.minSide(),
          s.getBoolean(s.has(mirror) ? mirror : Settings.MIRROR)));
    }
    return new FaceConfig(finder, framing, s.get(Settings.FRAMING), s.getInt(Settings.PARTITIONS),
        Map.copyOf(byJob));
  }

  /** Detection and alignment settings, or null for {@code facerec.align = none}. */
  private static FinderSettings finder(Settings s, String modelId) {
    FinderSettings.Alignment align = s.choice(Settings.ALIGN, FinderSettings.Alignment.class);
    if (align == FinderSettings.Alignment.NONE) {
      return null;
    }
    FinderSettings.Select select = s.choice(Settings.SELECT, FinderSettings.Select.class);
    if (select == FinderSettings.Select.ALL) {
      throw new IllegalArgumentException(Settings.SELECT + " must pick one face: largest, "
          + "nearest-centre or best-score");
    }
    FinderSettings.Detector detector = s.choice(Settings.DETECTOR, FinderSettings.Detector.class);
    // empty: the detector's own (HOG scores are SVM margins, the networks' probabilities)
    return new FinderSettings(detector, s.get(Settings.MIN_SCORE, null) != null
        ? s.getDouble(Settings.MIN_SCORE) : FinderSettings.defaultMinScore(detector),
        s.getDouble(Settings.MIN_FACE_SIZE), select,
        s.choice(Settings.FALLBACK, FinderSettings.Fallback.class), align,
        s.choice(Settings.LANDMARKS, FinderSettings.Landmarks68.class), modelId,
        s.getDouble(Settings.CROP_MARGIN), s.getInt(Settings.LANDMARK_PASSES),
        s.getInt(Settings.UPSAMPLE), s.getInt(Settings.SCAN_SIDE),
        s.getBoolean(Settings.SECOND_CHANCES), s.getDouble(Settings.SECOND_CHANCE_MIN_SCORE));
  }

  /** The options {@code job} encodes with (one of the constants above). */
  public EncodeOptions encodeOptions(String job) {
    EncodeOptions o = byJob.get(job);
    if (o == null) {
      throw new IllegalArgumentException("no encoding options for job " + job);
    }
    return o;
  }

  /** How faces are found, for summaries and reports. */
  public String describe() {
    if (finder == null) {
      return "no detection (align none), framing " + framingSpec;
    }
    return String.format(Locale.ROOT, "align %s (%s landmarks), detector %s (score > %.2f, "
        + "shorter side >= %.0f px%s), several faces: %s, no face: %s",
        Settings.name(finder.alignment()), Settings.name(finder.landmarks()),
        Settings.name(finder.detector()), finder.minScore(),
        finder.minFaceSize(), finder.secondChances() ? ", second chances" : "",
        Settings.name(finder.select()), Settings.name(finder.fallback()));
  }
}
