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
 * The spark-submit jar, run the way a cluster runs it: org.apache.spark.deploy.SparkSubmit (what
 * the spark-submit script calls) with --master local[2], on a classpath of Spark and its
 * dependencies only, so anything the jar forgot to bundle fails here.
 */
class SparkSubmitIT {
  @TempDir
  Path dir;

  @Test
  void enrollAndIdentifyThroughSparkSubmit() throws Exception {
    Path target = Paths.get("target").toAbsolutePath();
    Path jar;
    try (var files = Files.list(target)) {
      jar = files.filter(p -> p.getFileName().toString().endsWith("-spark.jar")).findFirst()
          .orElseThrow(() -> new IllegalStateException("no *-spark.jar in " + target
              + " (run mvn package first)"));
    }
    String sparkClasspath = Files.readString(target.resolve("spark-classpath.txt")).trim();
    assertThat(sparkClasspath).doesNotContain("ai/djl").doesNotContain("picocli");

    Path samples = Paths.get("../sample-data/happy-house").toAbsolutePath().normalize();
    Path images = TestData.data("happy-house/images");
    String table = dir.resolve("residents").toString();
    run(sparkClasspath, jar, "enroll", "--manifest", samples.resolve("residents.csv").toString(),
        "--images-root", images.toString(), "--table", table);
    run(sparkClasspath, jar, "identify", "--log", samples.resolve("camera-log.csv").toString(),
        "--images-root", images.toString(), "--table", table, "--out", dir.toString());
    List<String> lines = Files.readAllLines(dir.resolve("identify.csv"));
    assertThat(lines).hasSize(7);
    assertThat(lines.get(1)).startsWith("cam0,").contains(",younes,");
    assertThat(lines.get(3)).startsWith("cam2,").contains(",benoit,");
  }

  private void run(String classpath, Path jar, String... args) throws IOException,
      InterruptedException {
    List<String> cmd = new ArrayList<>();
    cmd.add(Paths.get(System.getProperty("java.home"), "bin", "java").toString());
    cmd.add("-Xmx2g");
    // the opens Spark needs on Java 17 (spark-submit's launcher adds its own): conf/jvm-options
    cmd.add("@" + Paths.get(System.getProperty("facerec.home"), "conf", "jvm-options"));
    cmd.add("-cp");
    cmd.add(classpath);
    cmd.add("org.apache.spark.deploy.SparkSubmit");
    cmd.addAll(List.of("--master", "local[2]", "--class", "org.facerec.cli.Facerec",
        "--conf", "spark.driver.host=127.0.0.1", "--conf", "spark.ui.enabled=false",
        "--conf", "spark.facerec.models.dir=" + TestData.modelsDir(),
        "--conf", "spark.facerec.framing=pad:0.667", "--conf", "spark.facerec.align=none",
        jar.toString()));
    cmd.addAll(Arrays.asList(args));
    Path log = dir.resolve(args[0] + ".log");
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile())
        .directory(dir.toFile()).start();
    boolean done = p.waitFor(5, TimeUnit.MINUTES);
    String output = Files.readString(log);
    assertThat(done).as("spark-submit %s finished in time; output:%n%s", args[0], output).isTrue();
    assertThat(p.exitValue()).as("spark-submit %s exit code; output:%n%s", args[0], output)
        .isZero();
    assertThat(output).contains("facerec " + args[0] + ":");
  }

}
