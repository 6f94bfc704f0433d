package org.facerec.detect;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.facerec.TestData;
import org.facerec.image.ImageDecoder;
import org.facerec.image.RgbImage;
import org.facerec.model.FaceModel;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** The façade: the golden pipeline through it, its policies, fallback and settings. */
class FaceFinderTest {
  /** face-api.js's detector at its own 0.5 and its landmark net, alone: no second chances. */
  static final FinderSettings SSD = FinderSettings.defaults().toBuilder()
      .detector(FinderSettings.Detector.SSD).minScore(SsdMobileNetV1.DEFAULT_MIN_SCORE)
      .landmarks(FinderSettings.Landmarks68.NET).secondChances(false).build();
  /** face-api.js's own pipeline: one landmark pass on the best SSD box, of any size. */
  private static final FinderSettings GOLDEN = SSD.toBuilder()
      .minScore(SsdMobileNetV1GoldenTest.MIN_SCORE).minFaceSize(0)
      .select(FinderSettings.Select.BEST_SCORE)
      .landmarkPasses(1).build();

  @Test
  void bestSsdBoxThenLandmarksMatchFaceApiJsOnEightImages() {
    checkGoldenLandmarks(SsdMobileNetV1GoldenTest.QUICK);
  }

  @Test
  @Tag("slow")
  void bestSsdBoxThenLandmarksMatchFaceApiJsOnAllFortyImages() {
    checkGoldenLandmarks(FaceDetectGolden.names());
  }

  private static void checkGoldenLandmarks(List<String> names) {
    Map<String, double[]> expected = FaceDetectGolden.rows("landmarks68.csv");
    List<RgbImage> images = new ArrayList<>();
    for (String n : names) {
      images.add(FaceDetectGolden.image(n));
    }
    List<List<Face>> found = SharedModels.finder().find(images, GOLDEN);
    double worst = 0;
    for (int i = 0; i < names.size(); i++) {
      String n = names.get(i);
      double[] want = expected.get(n);
      if (want == null) { // hh_camera_2: SSD finds nothing even at 0.05
        assertThat(found.get(i)).as(n).isEmpty();
        continue;
      }
      assertThat(found.get(i)).as(n).hasSize(1);
      Face f = found.get(i).get(0);
      assertThat(f.wholeImage()).isFalse();
      assertThat(f.chip().width()).isEqualTo(150);
      for (int k = 0; k < want.length; k++) {
        double d = Math.abs(f.landmarks().xy()[k] - want[k]);
        worst = Math.max(worst, d);
        assertThat(d).as("%s coordinate %d", n, k).isLessThanOrEqualTo(0.01);
      }
    }
    System.out.printf("SSD best box -> landmarks on %d images: max |diff| %.3g px%n",
        names.size(), worst);
  }

  @Test
  void tightFaceCropsFallBackToTheWholeImage() throws IOException {
    // SSD at 0.5 finds a face in 2 of the 18 Happy House crops; the fallback covers the rest
    List<RgbImage> images = new ArrayList<>();
    for (String n : List.of("andrew.jpg", "camera_2.jpg", "tian.jpg")) {
      images.add(decode("happy-house/images/" + n));
    }
    FinderSettings s = SSD.toBuilder().model(FaceModel.OPENFACE_NN4_SMALL2_V1).build();
    assertThat(SharedModels.finder().find(images.get(0), s)).isEmpty();
    List<List<Face>> found = SharedModels.finder().find(images,
        s.toBuilder().fallback(FinderSettings.Fallback.WHOLE_IMAGE).build());
    assertThat(found.get(0)).singleElement().satisfies(f -> {
      assertThat(f.wholeImage()).isTrue();
      assertThat(f.detection()).isEqualTo(Detection.wholeImage(96, 96));
      assertThat(f.landmarks()).isNotNull();
      assertThat(f.chip().width()).isEqualTo(96);
    });
    assertThat(found.get(1).get(0).wholeImage()).isTrue();
    assertThat(found.get(2).get(0).wholeImage()).isFalse(); // tian: SSD scores 0.99
    // crop mode on the whole image is the image itself; no alignment at all needs no detector
    Face crop = SharedModels.finder().find(images.get(0), s.toBuilder()
        .fallback(FinderSettings.Fallback.WHOLE_IMAGE)
        .alignment(FinderSettings.Alignment.CROP).build()).get(0);
    assertThat(crop.chip().rgb()).isEqualTo(images.get(0).rgb());
    Face none = SharedModels.finder().find(images.get(1), s.toBuilder()
        .alignment(FinderSettings.Alignment.NONE).build()).get(0);
    assertThat(none.wholeImage()).isTrue();
    assertThat(none.chip().rgb()).isEqualTo(images.get(1).rgb());
  }

  @Test
  void theTinyDetectorWorksThroughTheFacadeToo() throws IOException {
    RgbImage img = decode("lfw-dev/images/Abel_Pacheco/Abel_Pacheco_0001.jpg");
    List<Face> faces = SharedModels.finder().find(img, SSD.toBuilder()
        .detector(FinderSettings.Detector.TINY).alignment(FinderSettings.Alignment.CROP).build());
    assertThat(faces).singleElement().satisfies(f -> {
      assertThat(f.detection().source()).isEqualTo(Detection.Source.TINY_FACE_DETECTOR);
      assertThat(f.landmarks()).isNull();
      assertThat(f.chip().width()).isEqualTo(150);
    });
  }

  @Test
  void repeatedCallsLeaveNoNativeArraysBehind() throws IOException {
    FaceFinder finder = SharedModels.finder();
    RgbImage img = decode("lfw-dev/images/Abel_Pacheco/Abel_Pacheco_0001.jpg");
    FinderSettings s = SSD;
    FinderSettings tinySettings = SSD.toBuilder().detector(FinderSettings.Detector.TINY).build();
    finder.find(img, s);
    finder.find(img, tinySettings);
    SsdMobileNetV1 ssd = (SsdMobileNetV1) finder.detector(FinderSettings.Detector.SSD);
    TinyFaceDetector tiny = (TinyFaceDetector) finder.detector(FinderSettings.Detector.TINY);
    int[] before = {ssd.openArrayCount(), tiny.openArrayCount(),
        finder.landmarker().openArrayCount()};
    for (int i = 0; i < 3; i++) {
      finder.find(List.of(img, img), s);
      finder.find(img, tinySettings);
    }
    assertThat(new int[] {ssd.openArrayCount(), tiny.openArrayCount(),
        finder.landmarker().openArrayCount()}).containsExactly(before);
  }

  @Test
  void selectionPolicies() {
    Detection best = det(10, 10, 40, 40, 0.9);
    Detection large = det(150, 150, 90, 80, 0.6);
    Detection central = det(80, 85, 60, 60, 0.3);
    List<Detection> found = List.of(best, large, central);
    assertThat(FaceFinder.select(found, select(FinderSettings.Select.ALL, 0), 250, 250))
        .containsExactly(best, large, central);
    assertThat(FaceFinder.select(found, select(FinderSettings.Select.BEST_SCORE, 0), 250, 250))
        .containsExactly(best);
    assertThat(FaceFinder.select(found, select(FinderSettings.Select.LARGEST, 0), 250, 250))
        .containsExactly(large);
    assertThat(FaceFinder.select(found, select(FinderSettings.Select.NEAREST_CENTRE, 0), 250,
        250)).containsExactly(central);
    assertThat(FaceFinder.select(found, select(FinderSettings.Select.ALL, 50), 250, 250))
        .containsExactly(large, central);
    assertThat(FaceFinder.select(found, select(FinderSettings.Select.LARGEST, 100), 250, 250))
        .isEmpty();
  }

  private static FinderSettings select(FinderSettings.Select select, double minFaceSize) {
    return FinderSettings.defaults().toBuilder().select(select).minFaceSize(minFaceSize).build();
  }

  @Test
  void settingsTravelAndRefuseNonsense() throws Exception {
    FinderSettings s = FinderSettings.defaults().toBuilder()
        .detector(FinderSettings.Detector.TINY).minScore(0.2)
        .select(FinderSettings.Select.NEAREST_CENTRE)
        .fallback(FinderSettings.Fallback.WHOLE_IMAGE).cropMargin(0.3).build();
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
      out.writeObject(s);
    }
    try (ObjectInputStream in = new ObjectInputStream(
        new ByteArrayInputStream(bytes.toByteArray()))) {
      assertThat(in.readObject()).isEqualTo(s);
    }
    assertThat(s.faceModel()).isEqualTo(FaceModel.DLIB_RESNET_V1);
    assertThatThrownBy(() -> s.toBuilder().minScore(1.5).build())
        .hasMessageContaining("[0, 1)");
    assertThat(s.toBuilder().detector(FinderSettings.Detector.HOG).minScore(1.5).build()
        .minScore()).isEqualTo(1.5); // an SVM margin
    assertThatThrownBy(() -> s.toBuilder().minFaceSize(-1).build())
        .hasMessageContaining(">= 0");
    assertThatThrownBy(() -> new FinderSettings(FinderSettings.Detector.HOG, 0, 0,
        FinderSettings.Select.ALL, FinderSettings.Fallback.NONE,
        FinderSettings.Alignment.LANDMARKS, FinderSettings.Landmarks68.DLIB, "no-such-model",
        0.1, 2, 0, 800, true, 0.8)).hasMessageContaining("dlib-resnet-v1");
    assertThatThrownBy(() -> s.toBuilder().landmarkPasses(0).build())
        .hasMessageContaining("1 to 5");
    assertThatThrownBy(() -> s.toBuilder().upsample(3).build()).hasMessageContaining("0, 1 or 2");
  }

  @Test
  void cropSquaresTheBoxAndKeepsTheImageOutsideBlack() {
    byte[] rgb = new byte[3 * 100 * 80];
    java.util.Arrays.fill(rgb, (byte) 200);
    RgbImage img = new RgbImage(100, 80, rgb);
    // a 20x40 box at the left edge: square side 40 * (1 + 2 * 0.5) = 80, half of it outside
    RgbImage chip = FaceAligner.crop(img, det(0, 20, 20, 40, 1), 80, 0.5);
    assertThat(chip.width()).isEqualTo(80);
    assertThat(chip.get(5, 40, 0)).isZero();
    assertThat(chip.get(75, 40, 0)).isEqualTo(200);
    assertThat(FaceAligner.cut(img, -10, -10, 5, 5).rgb()).containsOnly((byte) 0);
  }

  private static Detection det(double x, double y, double w, double h, double score) {
    return new Detection(x, y, w, h, score, Detection.Source.SSD_MOBILENET_V1);
  }

  static RgbImage decode(String relative) throws IOException {
    ImageDecoder.Decoded d = new ImageDecoder().decode(Files.readAllBytes(TestData.data(relative)));
    assertThat(d.error()).isNull();
    return d.image();
  }
}
