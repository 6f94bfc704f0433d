package org.facerec.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.Device;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.facerec.TestData;
import org.facerec.image.ImageDecoder;
import org.facerec.image.RgbImage;
import org.facerec.match.Distances;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class FaceEncoderTest {
  private static FaceEncoder encoder;
  private static List<RgbImage> happyHouse;

  @BeforeAll
  static void setUp() throws IOException {
    encoder = FaceEncoder.create(
        FaceModel.DLIB_RESNET_V1.readWeights(TestData.modelsDir()), Device.cpu());
    happyHouse = new ArrayList<>();
    ImageDecoder decoder = new ImageDecoder();
    try (var files = Files.list(TestData.data("happy-house/images"))) {
      for (Path f : files.sorted().toList()) {
        happyHouse.add(decoder.decode(Files.readAllBytes(f)).image());
      }
    }
  }

  @AfterAll
  static void tearDown() {
    encoder.close();
  }

  @Test
  void registryDescribesEachModel() {
    FaceModel dlib = FaceModel.byId("dlib-resnet-v1");
    assertThat(dlib).isSameAs(FaceModel.DEFAULT);
    assertThat(dlib.inputSize()).isEqualTo(150);
    assertThat(dlib.embeddingSize()).isEqualTo(128);
    assertThat(dlib.normalized()).isFalse();
    assertThat(dlib.defaultThreshold()).isEqualTo(0.6);
    FaceModel openface = FaceModel.byId("openface-nn4small2-v1");
    assertThat(openface.inputSize()).isEqualTo(96);
    assertThat(openface.normalized()).isTrue();
    assertThat(openface.defaultThreshold()).isEqualTo(0.7);
    assertThatThrownBy(() -> FaceModel.byId("facenet"))
        .hasMessageContaining("unknown model id 'facenet'").hasMessageContaining("dlib-resnet-v1");
  }

  @Test
  void imagesOfOtherSizesAreResizedToTheInput() {
    // the 96x96 Happy House crops go into a 150x150 network
    float[][] out = encoder.encode(happyHouse);
    assertThat(out.length).isEqualTo(18);
    for (float[] e : out) {
      assertThat(e).hasSize(128);
      double norm = Math.sqrt(Distances.squaredL2(e, new float[128]));
      assertThat(norm).as("dlib encodings are not normalised").isBetween(0.5, 3.0);
    }
  }

  @Test
  void encodingsOfDifferentModelsAreNeverCompared() {
    float[] v = encoder.encode(happyHouse.subList(0, 1))[0];
    FaceEncoding a = new FaceEncoding("dlib-resnet-v1", v);
    FaceEncoding b = new FaceEncoding("openface-nn4small2-v1", new float[128]);
    assertThat(a.distanceTo(new FaceEncoding("dlib-resnet-v1", v))).isZero();
    assertThatThrownBy(() -> a.distanceTo(b))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("different models")
        .hasMessageContaining("openface-nn4small2-v1");
  }

  @Test
  void openArrayCountStaysFlatOverThousandsOfImages() {
    encoder.encode(happyHouse); // warm-up creates whatever is created once
    int before = encoder.openArrayCount();
    List<RgbImage> batch = new ArrayList<>();
    for (int i = 0; i < 32; i++) {
      batch.add(happyHouse.get(i % happyHouse.size()));
    }
    int encoded = 0;
    for (int round = 0; round < 70; round++) {
      Collections.rotate(batch, 1);
      encoded += encoder.encode(batch).length;
    }
    assertThat(encoded).isGreaterThanOrEqualTo(2000);
    assertThat(encoder.openArrayCount()).isEqualTo(before);
  }
}
