package org.facerec.detect;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.facerec.TestData;
import org.facerec.image.ImageDecoder;
import org.facerec.image.RgbImage;

/** Reads the face-api.js reference outputs in {@code golden/face-detect} (see its README). */
final class FaceDetectGolden {
  static final Path DIR = TestData.data("golden/face-detect");

  private FaceDetectGolden() {}

  /** A net's input value from its resized 0..255 value and channel. */
  interface Normalize {
    float apply(float value, int channel);
  }

  /**
   * Checks each input tensor a detector builds (resize, then normalize per channel) against the
   * SHA-256 face-api.js recorded in {@code net/NAME.input.json}, and bit for bit against
   * {@code net/NAME.input.f32} where that is stored; returns how many were.
   */
  static int assertInputsBitExact(String net, List<String> names,
      java.util.function.Function<RgbImage, float[]> resize, Normalize normalize) {
    int stored = 0;
    for (String n : names) {
      float[] hwc = resize.apply(image(n));
      for (int k = 0; k < hwc.length; k++) {
        hwc[k] = normalize.apply(hwc[k], k % 3);
      }
      org.assertj.core.api.Assertions.assertThat(sha256(hwc)).as(n).isEqualTo(
          sidecar(net + "/" + n + ".input.json").get("sha256_of_f32_bytes").asText());
      float[] golden = f32(net + "/" + n + ".input.f32");
      if (golden != null) {
        assertBitExact(n, hwc, golden);
        stored++;
      }
    }
    return stored;
  }

  /** The 40 input names without extension, in inputs.csv order. */
  static List<String> names() {
    List<String> out = new ArrayList<>();
    for (String[] row : csv("inputs.csv")) {
      out.add(row[0].replace(".png", ""));
    }
    return out;
  }

  static RgbImage image(String name) {
    try {
      ImageDecoder.Decoded d = new ImageDecoder().decode(
          Files.readAllBytes(DIR.resolve("inputs/" + name + ".png")));
      if (!d.ok()) {
        throw new IllegalStateException(name + ": " + d.error());
      }
      return d.image();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A stored float32 tensor, or null when only its sidecar is stored. */
  static float[] f32(String relative) {
    Path p = DIR.resolve(relative);
    if (!Files.exists(p)) {
      return null;
    }
    try {
      ByteBuffer b = ByteBuffer.wrap(Files.readAllBytes(p)).order(ByteOrder.LITTLE_ENDIAN);
      float[] out = new float[b.remaining() / 4];
      b.asFloatBuffer().get(out);
      return out;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static JsonNode sidecar(String relative) {
    try {
      return new ObjectMapper().readTree(DIR.resolve(relative).toFile());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static String sha256(float[] values) {
    ByteBuffer b = ByteBuffer.allocate(4 * values.length).order(ByteOrder.LITTLE_ENDIAN);
    b.asFloatBuffer().put(values);
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b.array()));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Rows of a CSV without its header (no quoted commas in these files' first columns). */
  static List<String[]> csv(String relative) {
    try {
      List<String> lines = Files.readAllLines(DIR.resolve(relative));
      List<String[]> out = new ArrayList<>();
      for (String line : lines.subList(1, lines.size())) {
        out.add(line.split(","));
      }
      return out;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** detections_*.csv: per image name, the boxes {x, y, w, h, score} in order. */
  static Map<String, List<double[]>> detections(String relative) {
    Map<String, List<double[]>> out = new LinkedHashMap<>();
    for (String name : names()) {
      out.put(name, new ArrayList<>());
    }
    for (String[] r : csv(relative)) {
      out.get(r[0].replace(".png", "")).add(new double[] {Double.parseDouble(r[2]),
          Double.parseDouble(r[3]), Double.parseDouble(r[4]), Double.parseDouble(r[5]),
          Double.parseDouble(r[6])});
    }
    return out;
  }

  /** landmarks68.csv, or landmarks68_boxes.csv: per image name, the numbers after the name. */
  static Map<String, double[]> rows(String relative) {
    Map<String, double[]> out = new LinkedHashMap<>();
    for (String[] r : csv(relative)) {
      double[] v = new double[r.length - 1];
      for (int i = 1; i < r.length; i++) {
        v[i - 1] = Double.parseDouble(r[i]);
      }
      out.put(r[0].replace(".png", ""), v);
    }
    return out;
  }

  /** Bit-for-bit equality of two float arrays, naming the first difference (fast on big arrays). */
  static void assertBitExact(String what, float[] actual, float[] expected) {
    if (actual.length != expected.length) {
      throw new AssertionError(what + ": " + actual.length + " values, expected "
          + expected.length);
    }
    for (int i = 0; i < actual.length; i++) {
      if (Float.floatToIntBits(actual[i]) != Float.floatToIntBits(expected[i])) {
        throw new AssertionError(what + ": first difference at [" + i + "]: " + actual[i]
            + " vs expected " + expected[i]);
      }
    }
  }

  /** CHW to HWC (the layout the goldens store). */
  static float[] toHwc(float[] chw, int n) {
    int plane = n * n;
    float[] hwc = new float[chw.length];
    for (int i = 0; i < plane; i++) {
      for (int c = 0; c < 3; c++) {
        hwc[3 * i + c] = chw[c * plane + i];
      }
    }
    return hwc;
  }
}
