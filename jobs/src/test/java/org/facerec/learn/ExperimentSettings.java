package org.facerec.learn;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.facerec.config.FaceConfig;
import org.facerec.config.RunConfig;
import org.facerec.config.Settings;
import org.facerec.pipeline.EncodeOptions;

/**
 * The encoding settings of an experiment, read as the jobs read theirs ({@link Settings}: the
 * shipped defaults, an optional conf file, then {@code key=value} overrides) and typed by
 * {@link RunConfig}: what enroll would encode with.
 *
 * @param sources what was layered, for the printed table
 * @param faces the typed face settings
 */
record ExperimentSettings(List<String> sources, FaceConfig faces) {

  /** The shipped defaults, then {@code conf} (null: none), then {@code sets}. */
  static ExperimentSettings read(Path home, Path conf, List<String> sets) throws IOException {
    Settings s = Settings.load(Map.of(), conf, sets);
    List<String> sources = new ArrayList<>(List.of("conf/facerec.conf"));
    if (conf != null) {
      sources.add(home.relativize(conf.toAbsolutePath().normalize()).toString());
    }
    sources.addAll(sets);
    return new ExperimentSettings(List.copyOf(sources), RunConfig.of(s).faces());
  }

  /** What enroll would encode with under these settings. */
  EncodeOptions encodeOptions() {
    return faces.encodeOptions(FaceConfig.ENROLL);
  }

  /** One line for the table: how faces are found. */
  String describe() {
    return faces.describe() + (encodeOptions().mirror() ? ", mirror average" : "");
  }
}
