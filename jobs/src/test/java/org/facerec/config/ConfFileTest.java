package org.facerec.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** ConfFile.writeKey: one key set in a conf file, everything else in it kept. */
class ConfFileTest {
  @TempDir
  Path dir;

  @Test
  void replacesTheKeyInPlaceAndKeepsTheRest() throws IOException {
    Path conf = Files.writeString(dir.resolve("a.conf"), String.join("\n",
        "# a comment",
        "facerec.framing = lfw",
        "  facerec.threshold.dlib-resnet-v1:0.6",
        "facerec.threshold.dlib-resnet-v1x = 1",
        "# facerec.threshold.dlib-resnet-v1 = 0.1 (commented out)",
        "facerec.threshold.dlib-resnet-v1 0.5 \\",
        "    continued", ""));
    ConfFile.writeKey(conf, "facerec.threshold.dlib-resnet-v1", "0.42", "facerec calibrate",
        "first");
    ConfFile.writeKey(conf, "facerec.threshold.dlib-resnet-v1", "0.43", "facerec calibrate",
        "second");
    assertThat(Files.readAllLines(conf)).containsExactly(
        "# a comment",
        "facerec.framing = lfw",
        "# facerec calibrate: second",
        "facerec.threshold.dlib-resnet-v1 = 0.43",
        "facerec.threshold.dlib-resnet-v1x = 1",
        "# facerec.threshold.dlib-resnet-v1 = 0.1 (commented out)",
        "# facerec calibrate: second",
        "facerec.threshold.dlib-resnet-v1 = 0.43");
    // and it reads back as the value, whichever line Properties takes
    Settings s = Settings.load(Map.of(), conf, List.of());
    assertThat(s.get("facerec.threshold.dlib-resnet-v1")).isEqualTo("0.43");
    assertThat(s.get("facerec.threshold.dlib-resnet-v1x")).isEqualTo("1");
  }

  @Test
  void appendsAMissingKeyAndCreatesAMissingFile() throws IOException {
    Path conf = Files.writeString(dir.resolve("b.conf"), "facerec.align = none");
    ConfFile.writeKey(conf, "facerec.threshold.openface-nn4small2-v1", "0.7", "w", "why");
    assertThat(Files.readAllLines(conf)).containsExactly("facerec.align = none", "",
        "# w: why", "facerec.threshold.openface-nn4small2-v1 = 0.7");
    Path fresh = dir.resolve("sub").resolve("c.conf");
    ConfFile.writeKey(fresh, "k", "v", "w", "why");
    assertThat(Files.readAllLines(fresh)).containsExactly("# w: why", "k = v");
    try (var files = Files.list(dir)) {
      assertThat(files.map(p -> p.getFileName().toString())).containsOnly("b.conf", "sub");
    }
  }
}
