package org.facerec.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.LocalFileSystem;
import org.apache.hadoop.fs.permission.FsPermission;
import org.apache.hadoop.util.Progressable;
import org.apache.spark.sql.Row;
import org.facerec.TestData;
import org.facerec.io.Tables;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * facerec enroll killed for real (the JVM halted, as by kill -9: no shutdown hook, no cleanup)
 * in the middle of writing the residents table (Delta: before its commit), and after its commit
 * while writing the CSV copy: readers get the previous version, then the new one, each whole,
 * and the next run writes what a clean run writes.
 * A fault test of minutes: in {@code scripts/test slow}, not CI.
 */
@Tag("slow")
class KillIT extends SparkTest {
  static final Path SAMPLES = HappyHouseStoryTest.SAMPLES;
  static final String CONF = SAMPLES.resolve("facerec.conf").toString();

  @TempDir
  Path dir;

  @Test
  void aKilledEnrollLeavesThePreviousTableForReadersAndTheNextRun() throws Exception {
    Path images = TestData.data("happy-house/images");
    List<String> all = Files.readAllLines(SAMPLES.resolve("residents.csv"));
    Path eight = Files.write(dir.resolve("residents-8.csv"), all.subList(0, 9));
    Path twelve = SAMPLES.resolve("residents.csv");
    Path table = dir.resolve("residents");
    Path clean = dir.resolve("clean/residents");
    for (Path t : List.of(table, clean)) {
      enroll(eight, t);
    }
    enroll(twelve, clean);
    List<Row> before = rows(parquet(table), "resident_id");

    long version = lastVersion(table);
    for (String haltAt : List.of("write", "csv")) {
      Child killed = child(haltAt, "enroll", "--manifest", twelve.toString(), "--images-root",
          images.toString(), "--table", table.toString(), "--conf", CONF);
      assertThat(killed.exitCode).as("halted at %s; output:%n%s", haltAt, killed.output)
          .isEqualTo(HaltingFileSystem.EXIT);
      // nothing half-written is visible
      try (var s = Files.list(dir)) {
        assertThat(s.map(p -> p.getFileName().toString()).filter(n -> !n.startsWith(".")))
            .as("visible after a kill at %s", haltAt)
            .containsExactlyInAnyOrder("residents", "residents-8.csv", "clean", "enroll.csv");
      }
      if (haltAt.equals("write")) {
        // killed before its commit: the previous version, whole, is the table
        assertThat(rows(Tables.read(spark, table.toString(), Map.of()), "resident_id"))
            .as("read after a kill at %s", haltAt).isEqualTo(before);
        assertThat(lastVersion(table)).isEqualTo(version);
      } else {
        // killed after its commit, writing the CSV copy: the new version, whole, is the table
        assertThat(rows(Tables.read(spark, table.toString(), Map.of()).drop("enrolled_at"),
            "resident_id")).as("read after a kill at %s", haltAt)
            .isEqualTo(rows(parquet(clean).drop("enrolled_at"), "resident_id"));
      }
    }

    enroll(twelve, table);
    assertThat(rows(parquet(table).drop("enrolled_at"), "resident_id"))
        .isEqualTo(rows(parquet(clean).drop("enrolled_at"), "resident_id"));
    try (var s = Files.list(dir)) { // leftovers of both kills gone
      assertThat(s.map(p -> p.getFileName().toString()).filter(n -> !n.endsWith(".crc")))
          .containsExactlyInAnyOrder("residents", "residents-8.csv", "clean", "enroll.csv");
    }
  }

  static long lastVersion(Path table) {
    return io.delta.tables.DeltaTable.forPath(spark, table.toString()).history(1).head()
        .getLong(0);
  }

  void enroll(Path manifest, Path table) {
    ok("enroll", "--manifest", manifest.toString(), "--images-root",
        TestData.data("happy-house/images").toString(), "--table", table.toString(), "--conf",
        CONF);
  }

  record Child(int exitCode, String output) {}

  /** Runs facerec in its own JVM, with a local file system that halts it at {@code haltAt}. */
  Child child(String haltAt, String... args) throws IOException, InterruptedException {
    List<String> cmd = new ArrayList<>();
    cmd.add(Paths.get(System.getProperty("java.home"), "bin", "java").toString());
    cmd.add("-Xmx2g");
    // the opens Spark needs on Java 17, as this JVM got them
    cmd.addAll(java.lang.management.ManagementFactory.getRuntimeMXBean().getInputArguments()
        .stream().filter(a -> a.startsWith("--add-opens") || a.startsWith("-Djdk.reflect")
            || a.startsWith("-Dio.netty")).toList());
    cmd.add("-Dai.djl.offline=true");
    cmd.add("-Dfacerec.home=" + System.getProperty("facerec.home"));
    cmd.add("-cp");
    cmd.add(System.getProperty("java.class.path"));
    cmd.add("org.facerec.cli.Facerec");
    cmd.addAll(Arrays.asList(args));
    cmd.addAll(List.of("--set", "facerec.models.dir=" + TestData.modelsDir(),
        "--spark", "spark.hadoop.fs.file.impl=" + HaltingFileSystem.class.getName(),
        "--spark", "spark.hadoop.fs.file.impl.disable.cache=true",
        "--spark", "spark.hadoop." + HaltingFileSystem.WHERE + "=" + haltAt));
    Path log = dir.resolve(".child-" + haltAt + ".log");
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile())
        .start();
    boolean done = p.waitFor(5, TimeUnit.MINUTES);
    if (!done) {
      p.destroyForcibly().waitFor();
    }
    String output = Files.readString(log);
    Files.delete(log);
    assertThat(done).as("child finished in time; output:%n%s", output).isTrue();
    return new Child(p.exitValue(), output);
  }

  /**
   * The local file system, halting the JVM on the spot (Runtime.halt: what kill -9 leaves) when
   * the residents table's first data file of the new version is created ({@code write}), or the
   * CSV copy's, after the table's commit ({@code csv}).
   */
  public static class HaltingFileSystem extends LocalFileSystem {
    static final String WHERE = "facerec.test.halt-at";
    static final int EXIT = 137;

    @Override
    public FSDataOutputStream create(org.apache.hadoop.fs.Path f, FsPermission permission,
        boolean overwrite, int bufferSize, short replication, long blockSize,
        Progressable progress) throws IOException {
      String at = getConf().get(WHERE);
      if (f.getName().startsWith("part-") && ("write".equals(at)
          && f.getParent().getName().equals("residents")
          || "csv".equals(at) && f.toString().contains("/.staging-enroll.csv-"))) {
        Runtime.getRuntime().halt(EXIT);
      }
      return super.create(f, permission, overwrite, bufferSize, replication, blockSize, progress);
    }
  }
}
