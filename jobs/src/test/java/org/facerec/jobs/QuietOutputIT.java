package org.facerec.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.facerec.TestData;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a user sees of a job, in its own JVM with the launcher's logging (conf/log4j2.properties):
 * the progress bar on stderr and the summary on stdout, nothing else; --verbose adds the log.
 * One image without detection: the encoder runs a batch of one, where libtorch has the most to
 * say (its deprecation warning on the first weights, NNPACK on CPUs it cannot use).
 */
class QuietOutputIT {
  @TempDir
  Path dir;

  record Output(int exitCode, String out, List<String> errLines) {}

  @Test
  void aJobPrintsTheProgressBarAndTheSummaryOnly() throws Exception {
    Output quiet = embed("quiet");
    assertThat(quiet.exitCode()).as("%s", quiet).isZero();
    assertThat(quiet.out()).startsWith("facerec embed: 1 images in ").contains("  OK  ");
    assertThat(quiet.errLines()).as("stderr besides the progress bar").isEmpty();

    Output verbose = embed("verbose", "--verbose");
    assertThat(verbose.exitCode()).as("%s", verbose).isZero();
    assertThat(verbose.errLines()).anySatisfy(l -> assertThat(l)
        .contains("INFO ModelHolder: building dlib-resnet-v1"));
  }

  Output embed(String name, String... options) throws IOException, InterruptedException {
    Path home = Paths.get(System.getProperty("facerec.home"));
    List<String> cmd = new ArrayList<>();
    cmd.add(Paths.get(System.getProperty("java.home"), "bin", "java").toString());
    cmd.add("-Xmx2g");
    cmd.add("@" + home.resolve("conf/jvm-options"));
    cmd.add("-Dlog4j2.configurationFile=" + home.resolve("conf/log4j2.properties"));
    cmd.add("-Dfacerec.home=" + home);
    cmd.add("-cp");
    cmd.add(System.getProperty("java.class.path"));
    cmd.add("org.facerec.cli.Facerec");
    cmd.addAll(List.of("embed", "--align", "none", "--out", dir.resolve(name + ".csv").toString(),
        "--set", "facerec.models.dir=" + TestData.modelsDir(),
        TestData.data("happy-house/images/camera_0.jpg").toString()));
    cmd.addAll(Arrays.asList(options));
    Path out = dir.resolve(name + ".out");
    Path err = dir.resolve(name + ".err");
    Process p = new ProcessBuilder(cmd).redirectOutput(out.toFile()).redirectError(err.toFile())
        .start();
    boolean done = p.waitFor(5, TimeUnit.MINUTES);
    if (!done) {
      p.destroyForcibly().waitFor();
    }
    assertThat(done).as("embed finished in time; stderr:%n%s", Files.readString(err)).isTrue();
    // the progress bar redraws itself with \r; what is left once it is taken out is the log
    List<String> lines = Arrays.stream(Files.readString(err).split("[\r\n]+"))
        .map(l -> l.replaceAll("\\[Stage \\d+:[^\\]]*\\]", "")).filter(l -> !l.isBlank())
        .toList();
    return new Output(p.exitValue(), Files.readString(out), lines);
  }
}
