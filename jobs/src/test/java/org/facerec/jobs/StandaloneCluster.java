package org.facerec.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A Spark standalone cluster for tests, started and stopped with {@code scripts/cluster} (as a
 * user would): one master and two workers of one core each, separate JVMs on 127.0.0.1, each
 * worker launching its own executor JVMs. Submits applications through {@code scripts/cluster
 * submit} (Spark's SparkSubmit), finds an application's executors through the workers' work
 * folders and their processes, samples their resident memory, and reads the event logs.
 */
final class StandaloneCluster implements AutoCloseable {
  static final Path ROOT = Paths.get(System.getProperty("facerec.home", "..")).toAbsolutePath()
      .normalize();
  static final Path SCRIPT = ROOT.resolve("scripts/cluster");

  final Path dir;
  final Path events;
  /** What the scripts and drivers print, beside the cluster's folder. */
  final Path logs;
  final int port;
  /** Peak resident memory (VmHWM, kB) seen per executor, "app/executor id". */
  final Map<String, Long> peakRssKb = new ConcurrentHashMap<>();
  private final Thread sampler;
  private volatile boolean closed;

  StandaloneCluster(Path dir) throws IOException, InterruptedException {
    this.dir = dir;
    this.events = Files.createDirectories(dir.resolve("events"));
    this.logs = Files.createDirectories(dir.resolveSibling(dir.getFileName() + "-logs"));
    this.port = freePort();
    try {
      Script start = script(Duration.START, "start");
      assertThat(start.exitCode).as("scripts/cluster start:%n%s", start.output).isZero();
      assertThat(start.output).contains("master " + masterUrl());
      assertThat(script(Duration.SHORT, "status").output).contains("worker-1: running")
          .contains("worker-2: running").contains("master url: " + masterUrl());
    } catch (IOException | InterruptedException | RuntimeException | AssertionError e) {
      script(Duration.SHORT, "stop"); // nothing of a failed start stays running
      throw e;
    }
    sampler = new Thread(this::sampleMemory, "executor-rss");
    sampler.setDaemon(true);
    sampler.start();
  }

  String masterUrl() {
    return "spark://127.0.0.1:" + port;
  }

  @Override
  public void close() throws IOException, InterruptedException {
    closed = true;
    Script stop = script(Duration.SHORT, "stop");
    assertThat(stop.exitCode).as("scripts/cluster stop:%n%s", stop.output).isZero();
    Script status = script(Duration.SHORT, "status");
    assertThat(status.exitCode).as("status after stop:%n%s", status.output).isEqualTo(3);
    assertThat(launched()).as("executors or drivers left after stop").isEmpty();
  }

  enum Duration {
    START(300), SHORT(120), APP(900);

    final int seconds;

    Duration(int seconds) {
      this.seconds = seconds;
    }
  }

  record Script(int exitCode, String output) {}

  private Script script(Duration limit, String... args) throws IOException, InterruptedException {
    List<String> cmd = new ArrayList<>(List.of(SCRIPT.toString()));
    cmd.addAll(List.of(args));
    Path log = Files.createTempFile(logs, "script-", ".log");
    Process p = builder(cmd).redirectOutput(log.toFile()).start();
    boolean done = p.waitFor(limit.seconds, TimeUnit.SECONDS);
    if (!done) {
      p.destroyForcibly().waitFor();
    }
    String out = Files.readString(log);
    assertThat(done).as("scripts/cluster %s in time:%n%s", String.join(" ", args), out).isTrue();
    return new Script(p.exitValue(), out);
  }

  private ProcessBuilder builder(List<String> cmd) {
    ProcessBuilder b = new ProcessBuilder(cmd).redirectErrorStream(true);
    Map<String, String> env = b.environment();
    env.put("FACEREC_CLUSTER_DIR", dir.toString());
    env.put("FACEREC_CLUSTER_PORT", Integer.toString(port));
    env.put("FACEREC_CLUSTER_UI_PORT", "0");
    env.put("FACEREC_CLUSTER_WORKERS", "2");
    env.put("FACEREC_CLUSTER_CORES", "1");
    env.put("FACEREC_CLUSTER_MEMORY", "3g");
    return b;
  }

  /**
   * A running driver: spark-submit's JVM (the script execs it) in client mode, the submission
   * client in cluster deploy mode, or facerec's own command line.
   */
  final class App {
    final Process process;
    final Path log;
    final String name;
    final long startedNanos = System.nanoTime();
    private final java.util.Set<String> appsBefore;
    private volatile long endedNanos;

    App(Process process, Path log, String name, java.util.Set<String> appsBefore) {
      this.process = process;
      this.log = log;
      this.name = name;
      this.appsBefore = appsBefore;
    }

    String output() {
      try {
        return Files.readString(log);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }

    /** The application's id, once the master has given its executors to the workers. */
    Optional<String> appId() throws IOException {
      List<String> fresh = apps().stream().filter(a -> !appsBefore.contains(a)).sorted().toList();
      assertThat(fresh.size()).as("applications started by %s", name).isLessThanOrEqualTo(1);
      return fresh.stream().findFirst();
    }

    String requireAppId() throws IOException {
      return appId().orElseThrow(() -> new AssertionError(name + " started no application "
          + "on the cluster; output:\n" + output()));
    }

    /** Waits for the driver to finish; its exit code. */
    int waitFor() throws InterruptedException {
      boolean done = process.waitFor(Duration.APP.seconds, TimeUnit.SECONDS);
      if (!done) {
        process.destroyForcibly().waitFor();
      }
      endedNanos = System.nanoTime();
      assertThat(done).as("%s finished in time; output:%n%s", name, output()).isTrue();
      return process.exitValue();
    }

    /** Waits for the driver to finish and requires it to succeed; what it printed. */
    String succeed() throws InterruptedException {
      int code = waitFor();
      assertThat(code).as("%s exit code; output:%n%s", name, output()).isZero();
      return output();
    }

    double wallSeconds() {
      return (endedNanos - startedNanos) / 1e9;
    }
  }

  /** {@code scripts/cluster submit SUBMIT_ARGS JAR APP_ARGS}, started in the background. */
  App submit(String name, List<String> submitArgs, List<String> appArgs) throws IOException {
    List<String> cmd = new ArrayList<>(List.of(SCRIPT.toString(), "submit",
        "--class", "org.facerec.cli.Facerec",
        "--driver-memory", "1g", "--executor-memory", "1g",
        "--conf", "spark.ui.enabled=false",
        "--conf", "spark.eventLog.enabled=true",
        "--conf", "spark.eventLog.dir=" + events.toUri(),
        // one plain file per application, events_<app id> (Spark 4 rolls and compresses them)
        "--conf", "spark.eventLog.rolling.enabled=false",
        "--conf", "spark.eventLog.compress=false"));
    cmd.addAll(submitArgs);
    cmd.add(sparkJar().toString());
    cmd.addAll(appArgs);
    return start(name, cmd, Map.of());
  }

  /** Any command that starts a driver on this cluster, in the background. */
  App start(String name, List<String> cmd, Map<String, String> env) throws IOException {
    java.util.Set<String> before = apps();
    Path log = logs.resolve(name + ".log");
    ProcessBuilder b = builder(cmd).redirectOutput(log.toFile());
    b.environment().putAll(env);
    return new App(b.start(), log, name, before);
  }

  /** Ids of the applications that got executors on a worker (their work folders). */
  java.util.Set<String> apps() throws IOException {
    java.util.Set<String> out = new java.util.TreeSet<>();
    for (int w = 1; w <= 2; w++) {
      Path worker = dir.resolve("worker-" + w);
      if (Files.isDirectory(worker)) {
        try (Stream<Path> apps = Files.list(worker)) {
          apps.map(a -> a.getFileName().toString()).filter(a -> a.startsWith("app-"))
              .forEach(out::add);
        }
      }
    }
    return out;
  }

  static Path sparkJar() throws IOException {
    Path target = ROOT.resolve("jobs/target");
    try (Stream<Path> files = Files.list(target)) {
      return files.filter(f -> f.getFileName().toString().endsWith("-spark.jar")).findFirst()
          .orElseThrow(() -> new IllegalStateException("no *-spark.jar in " + target
              + " (run mvn package first)"));
    }
  }

  /** One executor of an application, as its worker knows it. */
  record Executor(String appId, String id, Path workDir, long pid) {
    String stderr() {
      try {
        return Files.readString(workDir.resolve("stderr"));
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }

    boolean alive() {
      return ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
    }
  }

  /**
   * The executors of {@code appId} the workers launched: each has a work folder
   * {@code worker-N/APP/ID/}; its process, while it runs, is the JVM whose command line runs
   * CoarseGrainedExecutorBackend with that application and executor id (pid -1 once gone).
   */
  List<Executor> executors(String appId) throws IOException {
    List<Executor> out = new ArrayList<>();
    Map<String, Long> pids = executorPids();
    for (int w = 1; w <= 2; w++) {
      Path app = dir.resolve("worker-" + w).resolve(appId);
      if (!Files.isDirectory(app)) {
        continue;
      }
      try (Stream<Path> ids = Files.list(app)) {
        for (Path id : ids.filter(Files::isDirectory).sorted().toList()) {
          String exec = id.getFileName().toString();
          out.add(new Executor(appId, exec, id, pids.getOrDefault(appId + "/" + exec, -1L)));
        }
      }
    }
    return out;
  }

  /** "app/executor id" to pid of every executor JVM of this cluster now running. */
  private Map<String, Long> executorPids() {
    Map<String, Long> m = new java.util.HashMap<>();
    for (Proc p : launched()) {
      List<String> args = p.args;
      int app = args.indexOf("--app-id");
      int exec = args.indexOf("--executor-id");
      if (args.contains("org.apache.spark.executor.CoarseGrainedExecutorBackend") && app >= 0
          && exec >= 0) {
        m.put(args.get(app + 1) + "/" + args.get(exec + 1), p.pid);
      }
    }
    return m;
  }

  record Proc(long pid, List<String> args) {}

  /** JVMs running from this cluster's SPARK_HOME that a worker launched (executors, drivers). */
  List<Proc> launched() {
    String home = dir.resolve("spark-home/jars/").toString();
    List<Proc> out = new ArrayList<>();
    try (Stream<Path> procs = Files.list(Paths.get("/proc"))) {
      for (Path p : procs.filter(p -> p.getFileName().toString().matches("[0-9]+")).toList()) {
        byte[] raw;
        try {
          raw = Files.readAllBytes(p.resolve("cmdline"));
        } catch (IOException e) {
          continue; // gone
        }
        List<String> args = List.of(new String(raw, StandardCharsets.UTF_8).split("\0"));
        boolean ours = args.stream().anyMatch(a -> a.contains(home));
        boolean launched = args.contains("org.apache.spark.executor.CoarseGrainedExecutorBackend")
            || args.contains("org.apache.spark.deploy.worker.DriverWrapper");
        if (ours && launched) {
          out.add(new Proc(Long.parseLong(p.getFileName().toString()), args));
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out;
  }

  /** Records each executor's peak resident memory (the kernel's VmHWM) while it runs. */
  private void sampleMemory() {
    while (!closed) {
      executorPids().forEach((key, pid) -> {
        try {
          for (String line : Files.readAllLines(Paths.get("/proc", pid.toString(), "status"))) {
            if (line.startsWith("VmHWM:")) {
              long kb = Long.parseLong(line.replaceAll("[^0-9]", ""));
              peakRssKb.merge(key, kb, Math::max);
            }
          }
        } catch (IOException | RuntimeException e) {
          // the executor ended between the listing and the read
        }
      });
      try {
        Thread.sleep(200);
      } catch (InterruptedException e) {
        return;
      }
    }
  }

  /** The thread dump of a JVM (jstack), or "" when it cannot be taken (e.g. it just ended). */
  static String threadDump(long pid) throws InterruptedException {
    Path jstack = Paths.get(System.getProperty("java.home"), "bin", "jstack");
    try {
      Process p = new ProcessBuilder(jstack.toString(), Long.toString(pid))
          .redirectErrorStream(true).start();
      byte[] out = p.getInputStream().readAllBytes();
      p.waitFor(60, TimeUnit.SECONDS);
      return new String(out, StandardCharsets.UTF_8);
    } catch (IOException e) {
      return "";
    }
  }

  /** What the event log of {@code appId} says about tasks lost and run again. */
  record TaskRetries(int lostWithExecutor, int resubmitted, int fetchFailed, int rerunAttempts,
      int tasks) {}

  TaskRetries taskRetries(String appId) throws IOException {
    Path log;
    try (Stream<Path> files = Files.list(events)) {
      log = files.filter(f -> f.getFileName().toString().startsWith(appId)).findFirst()
          .orElseThrow(() -> new IllegalStateException("no event log of " + appId));
    }
    ObjectMapper json = new ObjectMapper();
    int lost = 0;
    int resubmitted = 0;
    int fetchFailed = 0;
    int rerun = 0;
    int tasks = 0;
    for (String line : Files.readAllLines(log)) {
      JsonNode e = json.readTree(line);
      String event = e.path("Event").asText();
      if (event.equals("SparkListenerTaskStart")) {
        tasks++;
        if (e.path("Task Info").path("Attempt").asInt() > 0
            || e.path("Stage Attempt ID").asInt() > 0) {
          rerun++;
        }
      } else if (event.equals("SparkListenerTaskEnd")) {
        switch (e.path("Task End Reason").path("Reason").asText()) {
          case "ExecutorLostFailure" -> lost++;
          case "Resubmitted" -> resubmitted++;
          case "FetchFailed" -> fetchFailed++;
          default -> { }
        }
      }
    }
    return new TaskRetries(lost, resubmitted, fetchFailed, rerun, tasks);
  }

  static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }
}
