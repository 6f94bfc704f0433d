package org.facerec.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.io.IOException;
import java.nio.file.Files;
import java.util.List;
import org.facerec.TestData;
import org.facerec.detect.FaceFinder;
import org.facerec.detect.FinderSettings;
import org.facerec.detect.SharedModels;
import org.facerec.image.Crop;
import org.facerec.image.Framing;
import org.facerec.model.FaceEncoder;
import org.facerec.model.FaceModel;
import org.junit.jupiter.api.Test;

/** Bytes in, a record out: every outcome of the one place where an image becomes an encoding. */
class FacePipelineTest {
  private static final FinderSettings FINDER = FinderSettings.defaults();

  private static EncodeOptions options(FinderSettings finder, int maxSide) {
    return new EncodeOptions(8, Framing.RESIZE, finder, false, maxSide, 64_000_000L,
        50_000_000L, 0, 32, true);
  }

  private static FacePipeline pipeline(EncodeOptions options) {
    return new FacePipeline(options, FacePipeline.lazily(SharedModels::dlib,
        SharedModels::finder));
  }

  private static byte[] bytes(String relative) throws IOException {
    return Files.readAllBytes(TestData.data(relative));
  }

  @Test
  void aPhotoGivesItsFaceLandmarksChipAndTheMirrorAveragedEncodingOfTheChip() throws IOException {
    byte[] photo = bytes("lfw-dev/images/Aaron_Sorkin/Aaron_Sorkin_0001.jpg");
    try (FacePipeline p = pipeline(options(FINDER, 1600))) {
      FaceResult r = p.process(FacePipeline.Input.of(photo));
      assertThat(r.status()).isEqualTo(FaceStatus.OK);
      assertThat(r.error()).isNull();
      assertThat(r.sha256()).isEqualTo(FacePipeline.sha256(photo)).hasSize(64);
      assertThat(r.score()).isGreaterThan(0.3f);
      // LFW centres the face: the box and the landmarks lie around the image centre
      assertThat(r.box()[0] + r.box()[2] / 2.0).isCloseTo(125, within(25.0));
      assertThat(r.landmarks().x(30)).isBetween((double) r.box()[0],
          (double) r.box()[0] + r.box()[2]);
      assertThat(r.chip().width()).isEqualTo(150);
      FaceEncoder dlib = SharedModels.dlib();
      float[][] both = dlib.encode(List.of(r.chip(), Crop.mirror(r.chip())));
      float[] expected = FaceModel.DLIB_RESNET_V1.combine(both[0], both[1]);
      for (int i = 0; i < expected.length; i++) {
        assertThat(r.embedding()[i]).isCloseTo(expected[i], within(1e-5f));
      }
    }
  }

  @Test
  void aPhotoShrunkForDetectionReportsItsBoxAndLandmarksInTheOriginalPixels()
      throws IOException {
    byte[] photo = bytes("lfw-dev/images/Aaron_Sorkin/Aaron_Sorkin_0001.jpg");
    try (FacePipeline full = pipeline(options(FINDER, 1600));
        FacePipeline shrunk = pipeline(options(FINDER, 125))) {
      FaceResult a = full.process(FacePipeline.Input.of(photo));
      FaceResult b = shrunk.process(FacePipeline.Input.of(photo));
      assertThat(b.status()).isEqualTo(FaceStatus.OK);
      // the detector sees another image (its boxes differ by a pyramid step at half size); the
      // box must overlap the full-size run's and the landmarks land where that run puts them
      assertThat(iou(a.box(), b.box())).isGreaterThan(0.5);
      assertThat(b.landmarks().x(33)).isCloseTo(a.landmarks().x(33), within(3.0));
      assertThat(b.landmarks().y(33)).isCloseTo(a.landmarks().y(33), within(3.0));
    }
  }

  @Test
  void unreadableAndUndecodableInputsAreBadImagesWithTheirReason() {
    try (FacePipeline p = new FacePipeline(options(FINDER, 1600), failingModels())) {
      List<FaceResult> rs = p.process(List.of(
          new FacePipeline.Input(null, "file not found: /x.jpg", null),
          FacePipeline.Input.of("not an image".getBytes())));
      assertThat(rs.get(0).status()).isEqualTo(FaceStatus.BAD_IMAGE);
      assertThat(rs.get(0).error()).isEqualTo("file not found: /x.jpg");
      assertThat(rs.get(0).sha256()).isNull();
      assertThat(rs.get(1).status()).isEqualTo(FaceStatus.BAD_IMAGE);
      assertThat(rs.get(1).error()).isNotBlank();
      assertThat(rs.get(1).sha256()).hasSize(64);
      assertThat(rs.get(1).embedding()).isNull();
    }
  }

  @Test
  void contentThatIsAlreadyEncodedIsUnchangedAndBuildsNoNetwork() throws IOException {
    byte[] photo = bytes("happy-house/images/younes.jpg");
    try (FacePipeline p = new FacePipeline(options(FINDER, 1600), failingModels())) {
      FaceResult r = p.process(new FacePipeline.Input(photo, null, FacePipeline.sha256(photo)));
      assertThat(r.status()).isEqualTo(FaceStatus.UNCHANGED);
      assertThat(r.embedding()).isNull();
      assertThat(r.error()).isNull();
    }
  }

  @Test
  void withoutDetectionTheFramedWholeImageIsTheFace() throws IOException {
    byte[] photo = bytes("happy-house/images/younes.jpg");
    try (FacePipeline p = pipeline(options(null, 1600))) {
      FaceResult r = p.process(FacePipeline.Input.of(photo));
      assertThat(r.status()).isEqualTo(FaceStatus.OK);
      assertThat(r.box()).containsExactly(0, 0, 96, 96);
      assertThat(r.score()).isNull();
      assertThat(r.landmarks()).isNull();
      assertThat(r.chip().width()).isEqualTo(150);
      assertThat(r.embedding()).hasSize(128);
    }
  }

  @Test
  void theDecodeOnlyPipelineKeepsTheInputGuards() throws IOException {
    FacePipeline d = FacePipeline.decodeOnly(64_000_000L, 100);
    assertThat(d.decode(FacePipeline.Input.of(bytes("happy-house/images/younes.jpg"))).error())
        .contains("96");
    assertThat(d.decode(new FacePipeline.Input(null, "gone", null)).error()).isEqualTo("gone");
  }

  private static double iou(int[] a, int[] b) {
    double w = Math.min(a[0] + a[2], b[0] + b[2]) - Math.max(a[0], b[0]);
    double h = Math.min(a[1] + a[3], b[1] + b[3]) - Math.max(a[1], b[1]);
    double inter = Math.max(0, w) * Math.max(0, h);
    return inter / ((double) a[2] * a[3] + (double) b[2] * b[3] - inter);
  }

  /** Models that fail the test if anything asks for them. */
  private static FacePipeline.Models failingModels() {
    return new FacePipeline.Models() {
      @Override
      public FaceEncoder encoder() {
        throw new AssertionError("no encoder should be built");
      }

      @Override
      public FaceFinder finder() {
        throw new AssertionError("no finder should be built");
      }
    };
  }
}
