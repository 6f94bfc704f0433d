package org.facerec.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.Device;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.facerec.TestData;
import org.facerec.image.ImageDecoder;
import org.facerec.image.RgbImage;
import org.facerec.match.Distances;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The port's proof: face-api.js's own encodings of 78 LFW crops, and its distances for 48 pairs,
 * reproduced within 1e-4.
 */
class DlibResNetGoldenTest {
  private static final double TOLERANCE = 1e-4;
  private static FaceEncoder encoder;
  private static Path golden;
  private static Map<String, float[]> expected;
  private static Map<String, float[]> actual;

  @BeforeAll
  static void encodeAllCrops() throws IOException {
    golden = TestData.data("golden/dlib-resnet");
    encoder = FaceEncoder.create(
        FaceModel.DLIB_RESNET_V1.readWeights(TestData.modelsDir()), Device.cpu());
    expected = readEmbeddings(golden.resolve("embeddings.csv"));
    List<String> names = new ArrayList<>(expected.keySet());
    List<RgbImage> images = new ArrayList<>();
    ImageDecoder decoder = new ImageDecoder();
    for (String name : names) {
      ImageDecoder.Decoded d = decoder.decode(Files.readAllBytes(golden.resolve("crops/" + name)));
      assertThat(d.error()).isNull();
      images.add(d.image());
    }
    float[][] out = encoder.encode(images);
    actual = new HashMap<>();
    for (int i = 0; i < names.size(); i++) {
      actual.put(names.get(i), out[i]);
    }
  }

  @AfterAll
  static void close() {
    encoder.close();
  }

  @Test
  void everyEncodingMatchesFaceApiJs() {
    assertThat(expected).hasSize(78);
    double worst = 0;
    for (Map.Entry<String, float[]> e : expected.entrySet()) {
      float[] a = actual.get(e.getKey());
      assertThat(a).hasSize(128);
      for (int i = 0; i < 128; i++) {
        worst = Math.max(worst, Math.abs(a[i] - e.getValue()[i]));
        assertThat((double) a[i]).as("%s e%d", e.getKey(), i)
            .isCloseTo(e.getValue()[i], within(TOLERANCE));
      }
    }
    System.out.printf("dlib golden: max |diff| per component = %.3g%n", worst);
  }

  @Test
  void everyPairDistanceMatchesFaceApiJs() throws IOException {
    List<String> lines = Files.readAllLines(golden.resolve("pairs.csv"));
    assertThat(lines).hasSize(49);
    for (String line : lines.subList(1, lines.size())) {
      String[] f = line.split(",");
      double d = Distances.l2(actual.get(f[0]), actual.get(f[1]));
      assertThat(d).as("%s vs %s", f[0], f[1]).isCloseTo(Double.parseDouble(f[3]), within(TOLERANCE));
    }
  }

  @Test
  void batchSizeDoesNotChangeTheOutput() throws IOException {
    String name = expected.keySet().iterator().next();
    RgbImage img = new ImageDecoder().decode(Files.readAllBytes(golden.resolve("crops/" + name))).image();
    float[] single = encoder.encode(List.of(img))[0];
    assertThat(Distances.l2(single, actual.get(name))).isLessThan(1e-5);
  }

  static Map<String, float[]> readEmbeddings(Path csv) throws IOException {
    Map<String, float[]> out = new java.util.LinkedHashMap<>();
    List<String> lines = Files.readAllLines(csv);
    for (String line : lines.subList(1, lines.size())) {
      String[] f = line.split(",");
      float[] v = new float[f.length - 1];
      for (int i = 1; i < f.length; i++) {
        v[i - 1] = Float.parseFloat(f[i]);
      }
      out.put(f[0], v);
    }
    return out;
  }
}
