package org.facerec.detect;

import static org.assertj.core.api.Assertions.assertThat;
import static org.facerec.detect.SsdMobileNetV1GoldenTest.maxDiff;

import ai.djl.Device;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.facerec.TestData;
import org.facerec.image.RgbImage;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * face-api.js's 68-point landmark net on the highest-scoring SSD box of the 39 golden images that
 * have one: the integer crop exactly, the input tensor bit for bit, the post-processing of the
 * golden raw output exactly (and face-api.js's alignedRect from it), and the network's landmarks
 * within 0.01 px.
 */
class FaceLandmarkerGoldenTest {
  private static FaceLandmarker landmarker;
  private static Map<String, double[]> boxes;
  private static Map<String, double[]> expected;

  @BeforeAll
  static void load() throws IOException {
    landmarker = FaceLandmarker.create(FaceLandmarker.readWeights(TestData.modelsDir()),
        Device.cpu());
    boxes = FaceDetectGolden.rows("landmarks68_boxes.csv");
    expected = FaceDetectGolden.rows("landmarks68.csv");
  }

  @AfterAll
  static void close() {
    landmarker.close();
  }

  static Detection goldenBox(double[] row) {
    return new Detection(row[0], row[1], row[2], row[3], row[4],
        Detection.Source.SSD_MOBILENET_V1);
  }

  @Test
  void theBoxIsTheBestSsdDetection() {
    Map<String, List<double[]>> ssd = FaceDetectGolden.detections("detections_ssd.csv");
    assertThat(boxes).hasSize(39).doesNotContainKey("hh_camera_2");
    boxes.forEach((n, row) -> assertThat(ssd.get(n).get(0)).as(n)
        .containsExactly(row[0], row[1], row[2], row[3], row[4]));
  }

  @Test
  void cropsAndInputTensorsAreExact() {
    int stored = 0;
    for (Map.Entry<String, double[]> e : boxes.entrySet()) {
      String n = e.getKey();
      RgbImage img = FaceDetectGolden.image(n);
      int[] crop = FaceLandmarker.cropBox(goldenBox(e.getValue()), img.width(), img.height());
      double[] r = e.getValue();
      assertThat(crop).as(n).containsExactly((int) r[5], (int) r[6], (int) r[7], (int) r[8]);
      float[] hwc = FaceLandmarker.resized(img, crop);
      for (int k = 0; k < hwc.length; k++) {
        hwc[k] = FaceLandmarker.normalize(hwc[k], k % 3);
      }
      assertThat(FaceDetectGolden.sha256(hwc)).as(n).isEqualTo(FaceDetectGolden
          .sidecar("landmarks/" + n + ".input.json").get("sha256_of_f32_bytes").asText());
      float[] golden = FaceDetectGolden.f32("landmarks/" + n + ".input.f32");
      if (golden != null) {
        FaceDetectGolden.assertBitExact(n, hwc, golden);
        stored++;
      }
    }
    System.out.println("landmark inputs stored and compared: " + stored);
  }

  @Test
  void postProcessingOfTheGoldenOutputsIsExact() {
    for (Map.Entry<String, double[]> e : boxes.entrySet()) {
      String n = e.getKey();
      double[] r = e.getValue();
      Landmarks lm = FaceLandmarker.postProcess(
          FaceDetectGolden.f32("landmarks/" + n + ".output.f32"),
          new int[] {(int) r[5], (int) r[6], (int) r[7], (int) r[8]}, goldenBox(r));
      assertThat(lm.xy()).as(n).containsExactly(expected.get(n));
      // face-api.js's alignedRect: the landmarks' box grown by 20%
      RgbImage img = FaceDetectGolden.image(n);
      Detection aligned = FaceAligner.landmarksBox(lm, goldenBox(r), img.width(), img.height());
      assertThat(new double[] {aligned.x(), aligned.y(), aligned.width(), aligned.height()})
          .as(n).containsExactly(r[9], r[10], r[11], r[12]);
    }
  }

  @Test
  void networkMatchesFaceApiJs() {
    List<String> names = new ArrayList<>(boxes.keySet());
    List<RgbImage> images = new ArrayList<>();
    List<Detection> dets = new ArrayList<>();
    List<FaceLandmarker.Crop> crops = new ArrayList<>();
    for (String n : names) {
      RgbImage img = FaceDetectGolden.image(n);
      images.add(img);
      dets.add(goldenBox(boxes.get(n)));
      crops.add(new FaceLandmarker.Crop(img, FaceLandmarker.cropBox(dets.get(dets.size() - 1),
          img.width(), img.height())));
    }
    List<float[]> raw = landmarker.forward(crops);
    List<Landmarks> got = landmarker.detect(images, dets);
    double worstRaw = 0;
    double worstPx = 0;
    for (int i = 0; i < names.size(); i++) {
      String n = names.get(i);
      worstRaw = Math.max(worstRaw, maxDiff(raw.get(i),
          FaceDetectGolden.f32("landmarks/" + n + ".output.f32")));
      double[] want = expected.get(n);
      for (int k = 0; k < want.length; k++) {
        double d = Math.abs(got.get(i).xy()[k] - want[k]);
        worstPx = Math.max(worstPx, d);
        assertThat(d).as("%s coordinate %d", n, k).isLessThanOrEqualTo(0.01);
      }
    }
    System.out.printf("landmarks on %d faces: raw max |diff| %.3g, points max |diff| %.3g px%n",
        names.size(), worstRaw, worstPx);
    assertThat(worstRaw).isLessThan(1e-4);
    // one face alone gives what the batch gave
    assertThat(landmarker.detect(images.get(3), dets.get(3)).xy())
        .containsExactly(got.get(3).xy(), org.assertj.core.data.Offset.offset(1e-4));
  }

  @Test
  void aBoxOutsideTheImageHasNoLandmarks() {
    RgbImage img = FaceDetectGolden.image("hh_andrew");
    Detection outside = new Detection(200, 10, 30, 30, 0.9, Detection.Source.SSD_MOBILENET_V1);
    assertThat(landmarker.detect(img, outside)).isNull();
    assertThat(FaceLandmarker.cropBox(new Detection(-5.5, -3.2, 20.9, 10.1, 1,
        Detection.Source.SSD_MOBILENET_V1), 96, 96)).containsExactly(0, 0, 15, 6);
  }
}
