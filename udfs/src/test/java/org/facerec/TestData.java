package org.facerec;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;

/** Where the shared test data and the fetched models are; fails loudly when they are missing. */
public final class TestData {
  private TestData() {}

  /** {@code ../shared/data}, or {@code FACEREC_DATA}, or {@code -Dfacerec.data}. */
  public static Path dataDir() {
    return existing("facerec.data", "FACEREC_DATA", "../shared/data",
        "the shared data folder (set FACEREC_DATA)");
  }

  public static Path data(String relative) {
    Path p = dataDir().resolve(relative);
    if (!Files.exists(p)) {
      throw new IllegalStateException("test data " + p + " is missing");
    }
    return p;
  }

  /** {@code models/} of the checkout, filled by scripts/fetch-models. */
  public static Path modelsDir() {
    return existing("facerec.models.dir", "FACEREC_MODELS_DIR", "models",
        "the models folder (run scripts/fetch-models)");
  }

  private static Path existing(String property, String env, String fallback, String what) {
    String v = System.getProperty(property);
    if (v == null || v.isBlank()) {
      v = System.getenv(env);
    }
    Path p = v == null || v.isBlank() ? Paths.get(fallback) : Paths.get(v);
    if (!Files.isDirectory(p)) {
      throw new IllegalStateException(what + " is not at " + p.toAbsolutePath());
    }
    return p.toAbsolutePath().normalize();
  }
}
