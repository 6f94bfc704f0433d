package org.facerec.config;

import java.util.Locale;

/**
 * How a finished output replaces the previous one ({@code facerec.output.commit}); the commit
 * itself is {@code org.facerec.io.Outputs}'.
 */
public enum CommitMode {
  /** Pointer on object stores, rename where directory renames are atomic. */
  AUTO,
  /** Written beside the output, then swapped in by two renames (local disks, HDFS). */
  RENAME,
  /** Written to a new version folder, committed by writing the one small pointer object. */
  POINTER;

  public static CommitMode parse(String s) {
    try {
      return valueOf(s.trim().toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("setting " + Settings.OUTPUT_COMMIT
          + " must be auto, rename or pointer, not '" + s + "'");
    }
  }
}
