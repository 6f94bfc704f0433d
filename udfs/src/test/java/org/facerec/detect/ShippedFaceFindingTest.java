package org.facerec.detect;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.facerec.NoFaceImages;
import org.facerec.TestData;
import org.facerec.image.ImageDecoder;
import org.facerec.image.RgbImage;
import org.facerec.image.Rotation;
import org.junit.jupiter.api.Test;

/**
 * The shipped face finding ({@link FinderSettings#defaults()}, which the jobs' conf must equal):
 * a face in every Happy House crop, none in images without one, and the second chances' boxes
 * and landmarks in the pixels of the image given.
 */
class ShippedFaceFindingTest {
  private static final FinderSettings DEFAULTS = FinderSettings.defaults();

  @Test
  void everyHappyHouseCropHasItsFace() throws IOException {
    List<Path> files;
    try (Stream<Path> s = Files.list(TestData.data("happy-house/images"))) {
      files = s.sorted().toList();
    }
    assertThat(files).hasSize(18);
    for (Path f : files) {
      RgbImage img = decode(Files.readAllBytes(f));
      List<Face> faces = SharedModels.finder().find(img, DEFAULTS);
      assertThat(faces).as(f.getFileName().toString()).singleElement().satisfies(face -> {
        assertThat(face.wholeImage()).isFalse();
        Detection d = face.detection();
        // a 96 px crop is mostly face: the box is well inside and not tiny
        assertThat(d.minSide()).isBetween(25.0, 96.0);
        assertThat(d.centreX()).isBetween(20.0, 76.0);
        assertThat(d.centreY()).isBetween(20.0, 76.0);
        // the eyes (landmarks 36-47) lie in the crop, above the mouth (48-67)
        double[] eyes = face.landmarks().centre(36, 47);
        double[] mouth = face.landmarks().centre(48, 67);
        assertThat(eyes[0]).isBetween(0.0, 96.0);
        assertThat(eyes[1]).isBetween(0.0, 96.0).isLessThan(mouth[1]);
        assertThat(face.chip().width()).isEqualTo(150);
      });
    }
  }

  @Test
  void imagesWithoutAFaceGetNone() {
    List<String> found = new ArrayList<>();
    for (NoFaceImages.Made m : NoFaceImages.all()) {
      if (!SharedModels.finder().find(decode(m.png()), DEFAULTS).isEmpty()) {
        found.add(m.name());
      }
    }
    assertThat(found).as("no-face images where a face was found").isEmpty();
  }

  @Test
  void aFaceFoundInTheCropIsWhereItIsInThePhoto() throws IOException {
    // the photo's face at dlib's own size; then the middle 70% of its box cut out, a crop tighter
    // than the Happy House's, which the first look misses and a second chance (upsampled or
    // padded) finds: the same landmarks, moved by the cut's corner
    RgbImage photo = decode(Files.readAllBytes(
        TestData.data("lfw-dev/images/Abel_Pacheco/Abel_Pacheco_0001.jpg")));
    Face inPhoto = SharedModels.finder().find(photo, DEFAULTS).get(0);
    Detection d = inPhoto.detection();
    int side = (int) (0.7 * Math.min(d.width(), d.height()));
    int x0 = (int) (d.centreX() - side / 2.0);
    int y0 = (int) (d.centreY() - side / 2.0);
    RgbImage crop = cut(photo, x0, y0, side);
    FinderSettings firstLookOnly = DEFAULTS.toBuilder().secondChances(false).build();
    assertThat(SharedModels.finder().find(crop, firstLookOnly)).isEmpty();

    Face inCrop = SharedModels.finder().find(crop, DEFAULTS).get(0);
    double worst = 0;
    for (int i = 0; i < Landmarks.COUNT; i++) {
      worst = Math.max(worst, Math.hypot(inCrop.landmarks().x(i) + x0 - inPhoto.landmarks().x(i),
          inCrop.landmarks().y(i) + y0 - inPhoto.landmarks().y(i)));
    }
    // the shape predictor starts from another box, so the points move a little, not by the pad
    assertThat(worst).as("largest landmark shift, px").isLessThan(0.15 * side);
    assertThat(inCrop.detection().centreX() + x0).isCloseTo(d.centreX(),
        org.assertj.core.data.Offset.offset(0.2 * side));
    assertThat(inCrop.detection().centreY() + y0).isCloseTo(d.centreY(),
        org.assertj.core.data.Offset.offset(0.2 * side));
  }

  @Test
  void aTiltedHeadIsFoundByTurningThePhotoBack() throws IOException {
    // an LFW photo turned by 55 degrees: a head on its shoulder, past the HOG filters' reach
    // (they take 40)
    RgbImage photo = decode(Files.readAllBytes(
        TestData.data("lfw-dev/images/Abel_Pacheco/Abel_Pacheco_0001.jpg")));
    Face upright = SharedModels.finder().find(photo, DEFAULTS).get(0);
    Rotation turn = Rotation.of(55, photo.width(), photo.height());
    RgbImage tilted = turn.apply(photo);
    FinderSettings firstLookOnly = DEFAULTS.toBuilder().secondChances(false).build();
    assertThat(SharedModels.finder().find(tilted, firstLookOnly)).isEmpty();

    Face found = SharedModels.finder().find(tilted, DEFAULTS).get(0);
    // its landmarks, in the tilted photo's pixels, are the upright ones turned with the photo
    double worst = 0;
    double[] p = new double[2];
    for (int i = 0; i < Landmarks.COUNT; i++) {
      turn.toSource(found.landmarks().x(i), found.landmarks().y(i), p);
      worst = Math.max(worst, Math.hypot(p[0] - upright.landmarks().x(i),
          p[1] - upright.landmarks().y(i)));
    }
    assertThat(worst).as("largest landmark shift, px")
        .isLessThan(0.1 * upright.detection().width());
    assertThat(found.detection().score()).isGreaterThan(FinderSettings.TURNED_MIN_SCORE);
    assertThat(found.chip().width()).isEqualTo(150);
  }

  private static RgbImage cut(RgbImage img, int x0, int y0, int side) {
    byte[] out = new byte[3 * side * side];
    for (int y = 0; y < side; y++) {
      System.arraycopy(img.rgb(), 3 * ((y0 + y) * img.width() + x0), out, 3 * y * side,
          3 * side);
    }
    return new RgbImage(side, side, out);
  }

  private static RgbImage decode(byte[] bytes) {
    ImageDecoder.Decoded d = new ImageDecoder().decode(bytes);
    assertThat(d.error()).isNull();
    return d.image();
  }
}
