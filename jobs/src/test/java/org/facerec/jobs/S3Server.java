package org.facerec.jobs;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.hadoop.conf.Configuration;

/**
 * A real S3 server for tests: S3Proxy (target/s3proxy/s3proxy.jar, copied by the build) in its
 * own JVM on 127.0.0.1, storing objects as plain files under a folder, so a test can both talk S3
 * to it and look at the bytes it stores. It can be killed (as a crashed server) and restarted on
 * the same port and folder.
 */
final class S3Server implements AutoCloseable {
  static final String ACCESS_KEY = "AKIAFACERECTEST00001";

  final String bucket;
  final Path storage;
  final String secret;
  private final Path props;
  private final Path log;
  private final int port;
  private Process process;

  S3Server(Path dir, String bucket, String secret) throws IOException {
    this.bucket = bucket;
    this.secret = secret;
    this.storage = Files.createDirectories(dir.resolve("s3-storage"));
    Files.createDirectories(storage.resolve(bucket));
    this.log = dir.resolve("s3proxy.log");
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      port = s.getLocalPort();
    }
    props = Files.write(dir.resolve("s3proxy.properties"), List.of(
        "s3proxy.endpoint=http://127.0.0.1:" + port,
        "s3proxy.authorization=aws-v2-or-v4",
        "s3proxy.identity=" + ACCESS_KEY,
        "s3proxy.credential=" + secret,
        "jclouds.provider=filesystem",
        "jclouds.filesystem.basedir=" + storage));
    start();
  }

  String endpoint() {
    return "http://127.0.0.1:" + port;
  }

  /** s3a:// URI of {@code key} in the bucket. */
  String uri(String key) {
    return "s3a://" + bucket + "/" + key;
  }

  /** The file S3Proxy keeps for {@code key}. */
  Path file(String key) {
    return storage.resolve(bucket).resolve(key);
  }

  void start() throws IOException {
    Path jar = Paths.get("target/s3proxy/s3proxy.jar").toAbsolutePath();
    if (!Files.isRegularFile(jar)) {
      throw new IllegalStateException(jar + " is missing (mvn generate-test-resources copies it)");
    }
    process = new ProcessBuilder(
        Paths.get(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx256m",
        "-jar", jar.toString(), "--properties", props.toString())
        .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
        .start();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        throw new IOException("S3Proxy exited at start: " + Files.readString(log));
      }
      try (Socket s = new Socket("127.0.0.1", port)) {
        return;
      } catch (IOException notYet) {
        sleep(100);
      }
    }
    throw new IOException("S3Proxy did not listen on port " + port + " within 60 s");
  }

  /** Kills the server at once, as a crash would. */
  void kill() throws InterruptedException {
    if (process != null) {
      process.destroyForcibly();
      process.waitFor(30, TimeUnit.SECONDS);
      process = null;
    }
  }

  /** S3A settings for this server: endpoint, path-style access, plain HTTP, credentials. */
  void configure(Configuration c) {
    c.set("fs.s3a.endpoint", endpoint());
    c.set("fs.s3a.endpoint.region", "us-east-1");
    c.set("fs.s3a.path.style.access", "true");
    c.set("fs.s3a.connection.ssl.enabled", "false");
    c.set("fs.s3a.aws.credentials.provider",
        "org.apache.hadoop.fs.s3a.SimpleAWSCredentialsProvider");
    c.set("fs.s3a.access.key", ACCESS_KEY);
    c.set("fs.s3a.secret.key", secret);
    // fail fast when the server is down: one attempt, short timeouts
    c.set("fs.s3a.attempts.maximum", "1");
    c.set("fs.s3a.retry.limit", "1");
    c.set("fs.s3a.retry.interval", "50ms");
    c.set("fs.s3a.connection.establish.timeout", "2s");
    c.set("fs.s3a.connection.timeout", "10s");
  }

  @Override
  public void close() throws InterruptedException {
    kill();
  }

  private static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
