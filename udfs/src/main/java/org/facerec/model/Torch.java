package org.facerec.model;

import ai.djl.engine.Engine;
import ai.djl.pytorch.jni.JniUtils;

/**
 * Process-wide PyTorch settings. libtorch uses every core per call by default; with several
 * Spark tasks per executor that oversubscribes, so intra-op threads follow the configuration
 * ({@code facerec.threads}, default: all cores) and inter-op threads are one.
 */
public final class Torch {
  public static final String THREADS_PROPERTY = "facerec.threads";
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
}
