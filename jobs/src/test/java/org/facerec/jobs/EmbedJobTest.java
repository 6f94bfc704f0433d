package org.facerec.jobs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.facerec.TestData;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** facerec embed reproduces the golden encodings and accounts for every input. */
class EmbedJobTest extends SparkTest {
  @TempDir
  Path dir;

  @Test
  void goldenCropsEncodeAsFaceApiJsDid() throws IOException {
    Path golden = TestData.data("golden/dlib-resnet");
    Path out = dir.resolve("golden.csv");
    ok("embed", "--model", "dlib-resnet-v1", "--out", out.toString(),
        golden.resolve("crops").toString(), "--align", "none");
    List<String> lines = Files.readAllLines(out);
    assertThat(lines.get(0)).startsWith("path,e0,e1,").endsWith(",e127,status,error");
    Map<String, String[]> expected = new HashMap<>();
    for (String l : Files.readAllLines(golden.resolve("embeddings.csv")).subList(1, 79)) {
      String[] f = l.split(",");
      expected.put(f[0], f);
    }
    assertThat(lines).hasSize(79);
    for (String l : lines.subList(1, lines.size())) {
      String[] f = l.split(",", -1);
      String name = f[0].substring(f[0].lastIndexOf('/') + 1);
      assertThat(f[129]).isEqualTo("OK");
      String[] want = expected.get(name);
      for (int i = 1; i <= 128; i++) {
        assertThat(Float.parseFloat(f[i])).as("%s e%d", name, i - 1)
            .isCloseTo(Float.parseFloat(want[i]), within(1e-4f));
      }
    }
  }

  @Test
  void happyHouseImagesAndAMissingFileAreAllRows() throws IOException {
    Path out = dir.resolve("hh.csv");
    Path images = TestData.data("happy-house/images");
    ok("embed", "--out", out.toString(), images.toString(),
        images.resolve("younes.jpg").toString(), dir.resolve("missing.jpg").toString(), "--align", "none");
    List<String> lines = Files.readAllLines(out);
    assertThat(lines).hasSize(1 + 18 + 2);
    assertThat(lines.stream().filter(l -> l.contains(",OK,")).count()).isEqualTo(19);
    assertThat(lines).anySatisfy(l -> assertThat(l).contains("missing.jpg")
        .contains("BAD_IMAGE").contains("file not found"));
  }
}
