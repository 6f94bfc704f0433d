package org.facerec.eval;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/** Writes flat metrics as a JSON object, keys in the given order. */
public final class MetricsJson {
  private static final ObjectMapper MAPPER =
      new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  private MetricsJson() {}

  public static void write(Path file, Map<String, Object> metrics) throws IOException {
    Files.writeString(file, toJson(metrics) + "\n");
  }

  /** NaN and infinities become null: JSON has no number for them. */
  public static String toJson(Map<String, Object> metrics) {
    Map<String, Object> clean = new LinkedHashMap<>();
    metrics.forEach((k, v) -> clean.put(k,
        v instanceof Double d && !Double.isFinite(d) ? null : v));
    try {
      return MAPPER.writeValueAsString(clean);
    } catch (IOException e) {
      throw new IllegalStateException("flat metrics always serialise", e);
    }
  }
}
