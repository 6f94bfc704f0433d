package org.facerec.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class ResizeAndFramingTest {

  private static RgbImage constant(int w, int h, int r, int g, int b) {
    byte[] px = new byte[3 * w * h];
    for (int i = 0; i < w * h; i++) {
      px[3 * i] = (byte) r;
      px[3 * i + 1] = (byte) g;
      px[3 * i + 2] = (byte) b;
    }
    return new RgbImage(w, h, px);
  }

  @Test
  void constantImagesStayConstantWhateverTheScale() {
    RgbImage src = constant(37, 23, 12, 130, 250);
    for (int[] size : new int[][] {{150, 150}, {7, 5}, {37, 23}, {96, 200}}) {
      RgbImage out = Resize.to(src, size[0], size[1]);
      assertThat(out.width()).isEqualTo(size[0]);
      for (int y = 0; y < out.height(); y++) {
        for (int x = 0; x < out.width(); x++) {
          assertThat(out.get(x, y, 1)).isEqualTo(130);
        }
      }
    }
  }

  @Test
  void downscalingAveragesInsteadOfAliasing() {
    // A 1-pixel checkerboard halved must become flat grey, not black or white.
    int n = 64;
    byte[] px = new byte[3 * n * n];
    for (int y = 0; y < n; y++) {
      for (int x = 0; x < n; x++) {
        byte v = (byte) (((x + y) & 1) == 0 ? 0 : 255);
        for (int c = 0; c < 3; c++) {
          px[3 * (y * n + x) + c] = v;
        }
      }
    }
    RgbImage half = Resize.to(new RgbImage(n, n, px), 32, 32);
    for (int y = 2; y < 30; y++) {
      for (int x = 2; x < 30; x++) {
        assertThat(half.get(x, y, 0)).isBetween(120, 135);
      }
    }
  }

  @Test
  void upscalingTwoPixelsInterpolatesLinearly() {
    byte[] px = {0, 0, 0, (byte) 200, (byte) 200, (byte) 200};
    RgbImage out = Resize.to(new RgbImage(2, 1, px), 4, 1);
    // half-pixel centres: outputs sample at 0.25, 0.75, 1.25, 1.75 -> 0, 50, 150, 200
    assertThat(new int[] {out.get(0, 0, 0), out.get(1, 0, 0), out.get(2, 0, 0), out.get(3, 0, 0)})
        .containsExactly(0, 50, 150, 200);
  }

  @Test
  void framingSpecsParseAndRoundTrip() {
    assertThat(Framing.parse("resize")).isEqualTo(Framing.RESIZE);
    assertThat(Framing.parse("LFW")).isSameAs(Framing.LFW);
    assertThat(Framing.parse(Framing.LFW.toString())).isEqualTo(Framing.LFW);
    assertThat(Framing.parse("crop:0.28,0.28,0.72,0.72").toString())
        .isEqualTo("crop:0.28,0.28,0.72,0.72");
    assertThat(Framing.parse(" PAD:0.667 ").toString()).isEqualTo("pad:0.667");
    assertThatThrownBy(() -> Framing.parse("crop:0.5,0.5,0.2,0.9"))
        .hasMessageContaining("bad framing");
    assertThatThrownBy(() -> Framing.parse("zoom")).hasMessageContaining("bad framing");
    assertThatThrownBy(() -> Framing.parse("pad:x")).hasMessageContaining("bad framing");
  }

  @Test
  void cropTakesTheBoxAndPadRepeatsTheEdges() {
    // left half red, right half blue
    int w = 100, h = 100;
    byte[] px = new byte[3 * w * h];
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) {
        px[3 * (y * w + x) + (x < 50 ? 0 : 2)] = (byte) 255;
      }
    }
    RgbImage img = new RgbImage(w, h, px);
    RgbImage right = Framing.parse("crop:0.6,0,1,1").apply(img, 20);
    assertThat(right.get(0, 0, 2)).isEqualTo(255);
    assertThat(right.get(19, 19, 0)).isEqualTo(0);

    RgbImage padded = Framing.parse("pad:0.5").apply(img, 150);
    assertThat(padded.width()).isEqualTo(150);
    // the corners repeat the image's corners
    assertThat(padded.get(0, 0, 0)).isEqualTo(255);
    assertThat(padded.get(149, 149, 2)).isEqualTo(255);
  }
}
