package org.facerec.pipeline;

import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;

/**
 * Where this JVM's image time went, stage by stage: the time of every thread summed, since the
 * start or the last {@link #reset}, for the bench's per-stage table ({@code scripts/bench
 * faces}). Two clock reads per stage and image, nothing beside the stages themselves; the
 * stages' results do not depend on it.
 */
public final class StageTimes {
  /** The pipeline's stages, in their order. */
  public enum Stage {
    /** the content hash (SHA-256) */
    HASH,
    /** JPEG/PNG to pixels, with the input guards */
    DECODE,
    /** shrinking for detection (to the pipeline's working side, then the HOG scan side) */
    RESIZE,
    /** the detectors, second chances included */
    DETECT,
    /** the landmarks of the faces found */
    LANDMARKS,
    /** the aligned chip (or the framed whole image) */
    CHIP,
    /** the encoder's forward passes, the mirror and the adapter included */
    ENCODE
  }

  private static final LongAdder[] NANOS = new LongAdder[Stage.values().length];
  private static final LongAdder IMAGES = new LongAdder();

  static {
    for (int i = 0; i < NANOS.length; i++) {
      NANOS[i] = new LongAdder();
    }
  }

  private StageTimes() {}

  public static long start() {
    return System.nanoTime();
  }

  /** Adds the time since {@code t0} to {@code stage}; returns now, the next stage's start. */
  public static long add(Stage stage, long t0) {
    long now = System.nanoTime();
    NANOS[stage.ordinal()].add(now - t0);
    return now;
  }

  static void images(int n) {
    IMAGES.add(n);
  }

  /** Images that entered the pipeline. */
  public static long images() {
    return IMAGES.sum();
  }

  /** Nanoseconds per stage, every thread's summed. */
  public static Map<Stage, Long> nanos() {
    Map<Stage, Long> m = new EnumMap<>(Stage.class);
    for (Stage s : Stage.values()) {
      m.put(s, NANOS[s.ordinal()].sum());
    }
    return m;
  }

  public static void reset() {
    for (LongAdder a : NANOS) {
      a.reset();
    }
    IMAGES.reset();
  }
}
