package org.facerec.jobs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.facerec.cli.Facerec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The command line's session on a master it names: local ones unchanged; a standalone master gets
 * facerec's spark jar shipped to its executors; YARN, Kubernetes and the cluster deploy mode are
 * refused in one line that says to use spark-submit. (ClusterIT runs jobs through a real
 * standalone cluster this way.)
 */
class EmbeddedMasterTest {
  @TempDir
  Path dir;

  @Test
  void localMastersAreLeftAlone() {
    for (String m : new String[] {null, "local", "local[2]", "local[*]", "local[2,3]"}) {
      assertThat(EmbeddedMaster.isLocal(m)).as(m).isTrue();
    }
    assertThat(EmbeddedMaster.isLocal("local-cluster[2,1,1024]")).isFalse();
    assertThat(EmbeddedMaster.isLocal("spark://h:7077")).isFalse();
    Map<String, String> o = Map.of("spark.master", "local[2]", "spark.jars", "a.jar");
    assertThat(EmbeddedMaster.settings(o, dir.resolve("facerec-jobs-1.jar"))).isEqualTo(o);
  }

  @Test
  void aStandaloneMasterGetsTheSparkJarBesideTheRunningJar() throws Exception {
    Path jar = Files.createFile(dir.resolve("facerec-jobs-1.0.jar"));
    Path spark = Files.createFile(dir.resolve("facerec-jobs-1.0-spark.jar"));
    Files.createFile(dir.resolve("facerec-jobs-0.9-spark.jar")); // an older build: not this one
    Map<String, String> s = EmbeddedMaster.settings(Map.of("spark.master", "spark://h:7077"), jar);
    assertThat(s).containsEntry("spark.master", "spark://h:7077")
        .containsEntry("spark.jars", spark.toUri().toString());
    // beside a classes folder (tests, IDEs): the spark jar of that target folder
    Path classes = Files.createDirectory(dir.resolve("classes"));
    assertThat(EmbeddedMaster.settings(Map.of("spark.master", "spark://h:7077"), classes)
        .get("spark.jars")).endsWith("-spark.jar");
    // other jars the user ships are kept, and a spark jar the user names is not doubled
    assertThat(EmbeddedMaster.settings(Map.of("spark.master", "spark://h:7077", "spark.jars",
        "/opt/kms.jar"), jar).get("spark.jars")).isEqualTo("/opt/kms.jar," + spark.toUri());
    assertThat(EmbeddedMaster.settings(Map.of("spark.master", "spark://h:7077", "spark.jars",
        "/opt/facerec-jobs-2-spark.jar"), jar).get("spark.jars"))
        .isEqualTo("/opt/facerec-jobs-2-spark.jar");
  }

  @Test
  void withoutASparkJarTheCommandSaysHowToGetOne() {
    assertThatThrownBy(() -> EmbeddedMaster.settings(Map.of("spark.master", "spark://h:7077"),
        dir.resolve("facerec-jobs-1.0.jar")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("there is no facerec-jobs-*-spark.jar in " + dir)
        .hasMessageContaining("mvn package");
  }

  @Test
  void yarnKubernetesAndClusterDeployModeAreRefusedInOneLine() {
    for (String master : new String[] {"yarn", "k8s://https://api:6443", "mesos://m:5050"}) {
      Result r = facerec("enroll", "--images", dir.toString(), "--table",
          dir.resolve("t").toString(), "--spark", "spark.master=" + master);
      assertThat(r.code).as(master).isEqualTo(1);
      assertThat(r.err.strip()).as(master).doesNotContain("\n")
          .startsWith("facerec enroll: --spark spark.master=" + master + ": the command line "
              + "runs local and standalone (spark://) sessions in client mode; for ")
          .contains(" use spark-submit: spark-submit --master " + master
              + " --class org.facerec.cli.Facerec ")
          .endsWith("-spark.jar JOB [options]");
    }
    Result cluster = facerec("enroll", "--images", dir.toString(), "--table",
        dir.resolve("t").toString(), "--spark", "spark.master=spark://h:7077", "--spark",
        "spark.submit.deployMode=cluster");
    assertThat(cluster.code).isEqualTo(1);
    assertThat(cluster.err.strip()).doesNotContain("\n")
        .contains("for the cluster deploy mode use spark-submit: spark-submit --master "
            + "spark://h:7077 --deploy-mode cluster --class org.facerec.cli.Facerec ");
    assertThat(dir.resolve("t")).doesNotExist();
  }

  record Result(int code, String err) {}

  static Result facerec(String... args) {
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code = Facerec.run(new PrintWriter(new ByteArrayOutputStream(), true),
        new PrintWriter(err, true, StandardCharsets.UTF_8), args);
    return new Result(code, err.toString(StandardCharsets.UTF_8));
  }
}
