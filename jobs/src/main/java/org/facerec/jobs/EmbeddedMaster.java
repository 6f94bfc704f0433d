package org.facerec.jobs;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The master of the command line's own session ({@code --spark spark.master=...}). A local master
 * runs the job in this JVM. A standalone master ({@code spark://}, or Spark's test-only
 * {@code local-cluster[...]}) runs it on executors that have Spark and nothing of facerec, so the
 * session ships facerec's spark jar to them ({@code spark.jars}), as spark-submit would: without
 * it every task fails to deserialize facerec's functions. Other cluster managers (YARN,
 * Kubernetes) and the cluster deploy mode need spark-submit (their client code is not in the local
 * distribution, and a driver cannot move itself onto the cluster): refused in one line.
 */
public final class EmbeddedMaster {
  static final String MASTER = "spark.master";
  static final String JARS = "spark.jars";
  static final String DEPLOY_MODE = "spark.submit.deployMode";

  private EmbeddedMaster() {}

  /** True for {@code local}, {@code local[N]}, {@code local[*]}, {@code local[N,F]} (or unset). */
  public static boolean isLocal(String master) {
    return master == null || master.equals("local") || master.startsWith("local[");
  }

  /**
   * The Spark settings of a session on {@code overrides}' master: unchanged for a local master;
   * for a standalone one, {@code spark.jars} with facerec's spark jar (the one beside the running
   * jar or classes folder, {@code codeSource}) unless it names one already.
   *
   * @throws IllegalArgumentException for a master or deploy mode only spark-submit can use, or
   *     when there is no spark jar to ship
   */
  public static Map<String, String> settings(Map<String, String> overrides, Path codeSource) {
    String master = overrides.get(MASTER);
    if (isLocal(master)) {
      return overrides;
    }
    Path found = sparkJar(codeSource);
    String jar = found != null ? found.toString() : "facerec-jobs-*-spark.jar";
    if ("cluster".equalsIgnoreCase(overrides.getOrDefault(DEPLOY_MODE, "client").trim())) {
      throw refused(master, "the cluster deploy mode", "--master " + master
          + " --deploy-mode cluster", jar);
    }
    if (!master.startsWith("spark://") && !master.startsWith("local-cluster[")) {
      String which = master.toLowerCase(Locale.ROOT).startsWith("k8s://") ? "Kubernetes"
          : master.equals("yarn") ? "YARN" : "master " + master;
      throw refused(master, which, "--master " + master, jar);
    }
    List<String> jars = new ArrayList<>();
    String given = overrides.get(JARS);
    if (given != null && !given.isBlank()) {
      jars.addAll(Arrays.asList(given.trim().split("\\s*,\\s*")));
    }
    if (jars.stream().noneMatch(j -> isSparkJar(j.substring(j.lastIndexOf('/') + 1)))) {
      if (found == null) {
        throw new IllegalArgumentException("--spark " + MASTER + "=" + master + " runs facerec's "
            + "tasks on the cluster's executors, which need facerec's spark jar, and there is no "
            + jar + " in " + folder(codeSource) + " (build it with mvn package, or name it with "
            + "--spark " + JARS + "=PATH)");
      }
      jars.add(found.toUri().toString());
    }
    Map<String, String> m = new LinkedHashMap<>(overrides);
    m.put(JARS, String.join(",", jars));
    return m;
  }

  /** Where this class was loaded from: the distribution's jar, or a classes folder. */
  public static Path codeSource() {
    try {
      return Paths.get(EmbeddedMaster.class.getProtectionDomain().getCodeSource().getLocation()
          .toURI());
    } catch (URISyntaxException | RuntimeException e) {
      return Paths.get(".");
    }
  }

  /**
   * The spark jar beside {@code codeSource}: for {@code target/facerec-jobs-V.jar},
   * {@code target/facerec-jobs-V-spark.jar}; for {@code target/classes}, the one spark jar in
   * {@code target}. Null when there is none.
   */
  static Path sparkJar(Path codeSource) {
    Path dir = folder(codeSource);
    String name = codeSource.getFileName() == null ? "" : codeSource.getFileName().toString();
    if (name.endsWith(".jar")) {
      Path beside = dir.resolve(name.substring(0, name.length() - 4) + "-spark.jar");
      if (Files.isRegularFile(beside)) {
        return beside.toAbsolutePath();
      }
    }
    try (Stream<Path> files = Files.list(dir)) {
      return files.filter(p -> isSparkJar(p.getFileName().toString()))
          .sorted().findFirst().map(Path::toAbsolutePath).orElse(null);
    } catch (IOException e) {
      return null;
    }
  }

  private static boolean isSparkJar(String name) {
    return name.startsWith("facerec-jobs-") && name.endsWith("-spark.jar");
  }

  private static Path folder(Path codeSource) {
    Path parent = codeSource.toAbsolutePath().getParent();
    return parent == null ? codeSource.toAbsolutePath() : parent;
  }

  private static IllegalArgumentException refused(String master, String what, String options,
      String jar) {
    return new IllegalArgumentException("--spark " + MASTER + "=" + master + ": the command line "
        + "runs local and standalone (spark://) sessions in client mode; for " + what + " use "
        + "spark-submit: spark-submit " + options + " --class org.facerec.cli.Facerec " + jar
        + " JOB [options]");
  }
}
