package org.facerec.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.assertj.core.data.Offset;
import org.junit.jupiter.api.Test;

class RotationTest {
  private static RgbImage numbered(int w, int h) {
    byte[] rgb = new byte[3 * w * h];
    for (int i = 0; i < w * h; i++) {
      rgb[3 * i] = (byte) i;
      rgb[3 * i + 1] = (byte) (i / 7);
      rgb[3 * i + 2] = (byte) (255 - i);
    }
    return new RgbImage(w, h, rgb);
  }

  @Test
  void aQuarterTurnMovesEveryPixelClockwise() {
    RgbImage img = numbered(5, 3);
    Rotation r = Rotation.of(90, 5, 3);
    RgbImage out = r.apply(img);
    assertThat(out.width()).isEqualTo(3);
    assertThat(out.height()).isEqualTo(5);
    // clockwise: the source's bottom-left corner becomes the top-left, its top-left the top-right
    for (int c = 0; c < 3; c++) {
      assertThat(out.get(0, 0, c)).isEqualTo(img.get(0, 2, c));
      assertThat(out.get(2, 0, c)).isEqualTo(img.get(0, 0, c));
      assertThat(out.get(2, 4, c)).isEqualTo(img.get(4, 0, c));
    }
  }

  @Test
  void noTurnIsTheImageItself() {
    RgbImage img = numbered(6, 4);
    assertThat(Rotation.of(0, 6, 4).apply(img).rgb()).isEqualTo(img.rgb());
  }

  @Test
  void pointsGoBackToTheSourceAndTheCanvasHoldsItAll() {
    Rotation r = Rotation.of(30, 200, 100);
    double c = Math.cos(Math.toRadians(30));
    double s = Math.sin(Math.toRadians(30));
    assertThat(r.width()).isEqualTo((int) Math.ceil(200 * c + 100 * s));
    assertThat(r.height()).isEqualTo((int) Math.ceil(200 * s + 100 * c));
    double[] p = new double[2];
    r.toSource((r.width() - 1) / 2.0, (r.height() - 1) / 2.0, p);
    assertThat(p[0]).isCloseTo(99.5, Offset.offset(1e-9));
    assertThat(p[1]).isCloseTo(49.5, Offset.offset(1e-9));
    // a point 10 px right of the centre in the turned image lies 10 px along the turned x axis
    r.toSource((r.width() - 1) / 2.0 + 10, (r.height() - 1) / 2.0, p);
    assertThat(p[0]).isCloseTo(99.5 + 10 * c, Offset.offset(1e-9));
    assertThat(p[1]).isCloseTo(49.5 - 10 * s, Offset.offset(1e-9));
  }

  @Test
  void theUncoveredCornersRepeatTheEdge() {
    byte[] grey = new byte[3 * 40 * 40];
    java.util.Arrays.fill(grey, (byte) 200);
    RgbImage out = Rotation.of(45, 40, 40).apply(new RgbImage(40, 40, grey));
    assertThat(out.get(0, 0, 0)).isEqualTo(200);
  }

  @Test
  void anImageOfAnotherSizeIsRefused() {
    assertThatThrownBy(() -> Rotation.of(10, 5, 5).apply(numbered(6, 5)))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("5x5");
  }
}
