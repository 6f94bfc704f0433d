package org.facerec.detect;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.facerec.image.RgbImage;
import org.junit.jupiter.api.Test;

/** {@link DlibHogDetector}'s API: boxes, score threshold, upsampling, threads. */
class DlibHogDetectorTest {
  private static final String TWO_FACES = "lfw-dev/images/Abdullah_Gul/Abdullah_Gul_0009.jpg";
  private static final DlibHogDetector DETECTOR = DlibHogDetector.create();

  @Test
  void detectionsAreDlibsRectanglesInPixels() {
    RgbImage img = DlibHogGolden.image(TWO_FACES);
    List<DlibHogDetection> dlib = DETECTOR.detectRectangles(img);
    List<Detection> boxes = DETECTOR.detect(img);
    assertThat(dlib).hasSizeGreaterThanOrEqualTo(2);
    assertThat(boxes).hasSameSizeAs(dlib);
    for (int i = 0; i < dlib.size(); i++) {
      DlibRectangle r = dlib.get(i).rect();
      Detection d = boxes.get(i);
      assertThat(new double[] {d.x(), d.y(), d.right(), d.bottom(), d.score()}).containsExactly(
          r.left(), r.top(), r.right() + 1, r.bottom() + 1, dlib.get(i).score());
      assertThat(d.source()).isEqualTo(Detection.Source.DLIB_HOG);
      if (i > 0) {
        assertThat(d.score()).isLessThanOrEqualTo(boxes.get(i - 1).score());
      }
    }
  }

  @Test
  void minScoreIsDlibsAdjustThreshold() {
    RgbImage img = DlibHogGolden.image(TWO_FACES);
    List<DlibHogDetection> loose = DETECTOR.detectRectangles(img, -1);
    double min = DETECTOR.detectRectangles(img).get(0).score() - 0.01;
    // a lower threshold only adds boxes below it: they come after, and suppress nothing above
    List<DlibHogDetection> above = loose.stream().filter(d -> d.score() >= min).toList();
    assertThat(DETECTOR.detectRectangles(img, min)).isEqualTo(above);
    assertThat(loose.size()).isGreaterThan(DETECTOR.detectRectangles(img, 0).size());
    assertThat(DETECTOR.defaultMinScore()).isZero();
  }

  @Test
  void upsamplingFindsSmallerFaces() {
    // tian's face is about 37 px wide: below the 80x80 window without upsampling
    RgbImage img = DlibHogGolden.image("happy-house/images/tian.jpg");
    assertThat(DETECTOR.withUpsample(0).detectRectangles(img)).isEmpty();
    List<DlibHogDetection> up1 = DETECTOR.detectRectangles(img);
    assertThat(up1).hasSize(1);
    assertThat(up1.get(0).rect().width()).isLessThan(40);
    assertThat(DETECTOR.withUpsample(0).upsample()).isZero();
    assertThat(DETECTOR.withUpsample(1)).isSameAs(DETECTOR);
    assertThat(DlibHogDetector.create().upsample()).isEqualTo(1);
    assertThatThrownBy(() -> DlibHogDetector.create(-1))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void imagesWithoutCellsFindNothing() {
    for (int side : new int[] {1, 2, 15}) {
      RgbImage img = new RgbImage(side, side, new byte[3 * side * side]);
      assertThat(DETECTOR.withUpsample(2).detectRectangles(img)).isEmpty();
      assertThat(DETECTOR.withUpsample(0).detect(img)).isEmpty();
    }
  }

  @Test
  void threadsSharingOneDetectorGetWhatOneThreadGets() throws Exception {
    List<RgbImage> images = new ArrayList<>();
    for (String name : new String[] {TWO_FACES, "happy-house/images/tian.jpg",
      "synthetic:noise-320x240", "lfw-dev/images/Aaron_Patterson/Aaron_Patterson_0001.jpg"}) {
      images.add(DlibHogGolden.image(name));
    }
    List<List<Detection>> expected = DETECTOR.detect(images, 0);
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      List<Future<List<List<Detection>>>> runs = new ArrayList<>();
      for (int t = 0; t < 8; t++) {
        runs.add(pool.submit(() -> DETECTOR.detect(images, 0)));
      }
      for (Future<List<List<Detection>>> f : runs) {
        assertThat(f.get()).isEqualTo(expected);
      }
    } finally {
      pool.shutdownNow();
    }
  }
}
