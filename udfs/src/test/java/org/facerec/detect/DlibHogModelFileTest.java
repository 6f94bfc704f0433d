package org.facerec.detect;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The shipped model file is what src/test/cpp/dlib_hog_export.cpp writes from dlib 19.24, byte
 * for byte (rebuilt and run here where g++ and dlib's headers are installed: Debian
 * {@code g++ libdlib-dev pkg-config}; skipped, saying so, elsewhere), and it reads as dlib's
 * frontal face detector: 5 detectors of 10x10-cell filters.
 */
class DlibHogModelFileTest {
  private static final Path SOURCE = Paths.get("src/test/cpp/dlib_hog_export.cpp");

  @Test
  void modelFileIsWhatDlibExports(@TempDir Path tmp) throws Exception {
    Assumptions.assumeTrue(commandWorks("g++ --version") && commandWorks(
        "pkg-config --exists dlib-1"), "g++ or dlib (pkg-config dlib-1, Debian libdlib-dev) is"
        + " not installed: the model file cannot be regenerated here");
    Path binary = tmp.resolve("dlib_hog_export");
    run(List.of("sh", "-c", "g++ -O2 -std=c++17 '" + SOURCE.toAbsolutePath() + "' -o '" + binary
        + "' $(pkg-config --cflags --libs dlib-1)"), 600, null);
    Path out = tmp.resolve("model.txt");
    run(List.of(binary.toString()), 60, out);
    assertThat(Files.readAllBytes(out)).isEqualTo(shipped());
  }

  @Test
  void modelReadsAsDlibsFrontalFaceDetector() {
    DlibHogModel m = DlibHogDetector.create().model();
    assertThat(m.cellSize()).isEqualTo(8);
    assertThat(new int[] {m.fhogWidth(), m.fhogHeight(), m.padding()}).containsExactly(10, 10, 0);
    assertThat(m.minLayerWidth()).isEqualTo(64);
    assertThat(m.detectors()).hasSize(5);
    assertThat(m.detectors().stream().mapToInt(DlibHogModel.Bank::count).toArray())
        .containsExactly(61, 58, 54, 66, 66);
    assertThat(m.detectors().get(0).threshold()).isEqualTo(3.2744957766996508);
    assertThat(m.iouThreshold()).isEqualTo(0.33008212188056446);
    assertThat(m.coveredThreshold()).isEqualTo(0.78857142857142859);
  }

  private static byte[] shipped() throws IOException {
    try (InputStream in = DlibHogDetector.class.getResourceAsStream(
        DlibHogDetector.MODEL_RESOURCE)) {
      return in.readAllBytes();
    }
  }

  private static boolean commandWorks(String command) {
    try {
      Process p = new ProcessBuilder("sh", "-c", command + " >/dev/null 2>&1").start();
      return p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0;
    } catch (IOException | InterruptedException e) {
      return false;
    }
  }

  private static void run(List<String> command, int seconds, Path stdout) throws Exception {
    ProcessBuilder pb = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT);
    if (stdout != null) {
      pb.redirectOutput(stdout.toFile());
    } else {
      pb.redirectOutput(ProcessBuilder.Redirect.INHERIT);
    }
    Process p = pb.start();
    if (!p.waitFor(seconds, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new IllegalStateException(command + " took over " + seconds + " s");
    }
    assertThat(p.exitValue()).as(String.join(" ", command)).isZero();
  }
}
