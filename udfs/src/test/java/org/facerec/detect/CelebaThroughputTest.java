package org.facerec.detect;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.facerec.TestData;
import org.facerec.image.ImageDecoder;
import org.facerec.image.RgbImage;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Throughput of the whole per-image path on the CelebA photos (99 to 5,616 px a side): decode
 * once, SSD detection on the 512 input, landmarks, dlib chip, dlib encoding; images per second
 * on this machine's cores, printed. {@code facerec.celeba.limit} bounds the number of photos.
 */
@Tag("slow")
class CelebaThroughputTest {
  private static final int CHUNK = 16;

  @Test
  void detectAlignEncodeImagesPerSecond() throws IOException {
    List<Path> files;
    try (Stream<Path> s = Files.walk(TestData.data("celeba-dev/images"))) {
      files = s.filter(p -> p.toString().endsWith(".jpg")).sorted().toList();
    }
    int limit = Integer.getInteger("facerec.celeba.limit", files.size());
    files = files.subList(0, Math.min(limit, files.size()));
    FinderSettings settings = FinderSettings.defaults();
    // warm up the networks on one image, outside the timing
    SharedModels.dlib().encode(List.of(SharedModels.finder().find(
        decode(files.get(0)), settings.toBuilder().fallback(FinderSettings.Fallback.WHOLE_IMAGE).build())
        .get(0).chip()));
    long decodeNs = 0;
    long findNs = 0;
    long encodeNs = 0;
    int withFace = 0;
    long pixels = 0;
    for (int from = 0; from < files.size(); from += CHUNK) {
      long t0 = System.nanoTime();
      List<RgbImage> images = new ArrayList<>();
      for (Path f : files.subList(from, Math.min(files.size(), from + CHUNK))) {
        RgbImage img = decode(f);
        images.add(img);
        pixels += (long) img.width() * img.height();
      }
      long t1 = System.nanoTime();
      List<List<Face>> found = SharedModels.finder().find(images, settings);
      long t2 = System.nanoTime();
      List<RgbImage> chips = new ArrayList<>();
      for (List<Face> faces : found) {
        faces.forEach(f -> chips.add(f.chip()));
        withFace += faces.isEmpty() ? 0 : 1;
      }
      float[][] enc = SharedModels.dlib().encode(chips);
      long t3 = System.nanoTime();
      assertThat(enc.length).isEqualTo(chips.size());
      decodeNs += t1 - t0;
      findNs += t2 - t1;
      encodeNs += t3 - t2;
    }
    double total = (decodeNs + findNs + encodeNs) / 1e9;
    int n = files.size();
    System.out.printf("CelebA %d photos (%.1f Mpx on average), %d with a face at SSD 0.5, on %d "
        + "cores: %.2f images/s end to end; decode %.1f ms, detect+landmarks+chip %.1f ms, "
        + "dlib encode %.1f ms per image%n", n, pixels / 1e6 / n, withFace,
        Runtime.getRuntime().availableProcessors(), n / total, decodeNs / 1e6 / n,
        findNs / 1e6 / n, encodeNs / 1e6 / n);
    assertThat(withFace).isGreaterThan(n * 9 / 10);
  }

  private static RgbImage decode(Path f) throws IOException {
    ImageDecoder.Decoded d = new ImageDecoder().decode(Files.readAllBytes(f));
    assertThat(d.error()).as(f.toString()).isNull();
    return d.image();
  }
}
