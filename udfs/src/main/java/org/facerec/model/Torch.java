package org.facerec.model;

import ai.djl.engine.Engine;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.pytorch.jni.LibUtils;
import com.sun.jna.NativeLibrary;
import java.nio.file.Path;
import java.util.Locale;

/**
 * Process-wide PyTorch settings. libtorch uses every core per call by default; with several
 * Spark tasks per executor that oversubscribes, so intra-op threads follow the configuration
 * ({@code facerec.threads}, default: all cores) and inter-op threads are one. libtorch's own
 * warnings on stderr are off below ERROR unless asked for ({@link #LOG_LEVEL_PROPERTY}).
 */
public final class Torch {
  public static final String THREADS_PROPERTY = "facerec.threads";
  /**
   * The least severity of libtorch's own messages on stderr: INFO, WARNING, ERROR (the default)
   * or FATAL; the environment's {@code TORCH_CPP_LOG_LEVEL} when this property is not set.
   */
  public static final String LOG_LEVEL_PROPERTY = "facerec.torch.log-level";
  private static volatile boolean configured;

  private Torch() {}

  /** Loads the engine once, offline unless told otherwise. */
  public static synchronized void configure() {
    if (configured) {
      return;
    }
    if (System.getProperty("ai.djl.offline") == null) {
      System.setProperty("ai.djl.offline", "true");
    }
    if (System.getProperty("ai.djl.pytorch.num_interop_threads") == null) {
      System.setProperty("ai.djl.pytorch.num_interop_threads", "1");
    }
    Engine.getEngine("PyTorch");
    quietLibtorch();
    String threads = System.getProperty(THREADS_PROPERTY);
    if (threads != null && !threads.isBlank() && Integer.parseInt(threads.trim()) > 0) {
      JniUtils.setNumThreads(Integer.parseInt(threads.trim()));
    }
    configured = true;
  }

  /** Sets libtorch's intra-op threads for this JVM (e.g. to {@code spark.task.cpus}). */
  public static void setThreads(int threads) {
    configure();
    if (threads > 0) {
      JniUtils.setNumThreads(threads);
    }
  }

  /**
   * Sets libtorch's log level. Its warnings (AutoNonVariableTypeMode is deprecated, on the first
   * weights loaded; NNPACK cannot start on this CPU, on each batch of one) say nothing a user can
   * act on. libtorch reads TORCH_CPP_LOG_LEVEL only when Python starts it (c10::initLogging), so
   * the flag that variable would set, FLAGS_caffe2_log_level in libc10, is set here. Best effort:
   * a libtorch without that symbol keeps its own level.
   */
  static void quietLibtorch() {
    String name = System.getProperty(LOG_LEVEL_PROPERTY);
    if (name == null || name.isBlank()) {
      name = System.getenv().getOrDefault("TORCH_CPP_LOG_LEVEL", "ERROR");
    }
    int level = switch (name.trim().toUpperCase(Locale.ROOT)) {
      case "0", "INFO" -> 0;
      case "1", "WARNING" -> 1;
      case "3", "FATAL" -> 3;
      default -> 2;
    };
    try {
      Path c10 = Path.of(LibUtils.getLibtorchPath(), System.mapLibraryName("c10"));
      NativeLibrary.getInstance(c10.toString()).getGlobalVariableAddress("FLAGS_caffe2_log_level")
          .setInt(0, level);
    } catch (RuntimeException | LinkageError e) {
      // another libtorch build (or none on the path): its messages stay as they are
    }
  }
}
