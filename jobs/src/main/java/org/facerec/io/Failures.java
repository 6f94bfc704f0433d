package org.facerec.io;

import java.io.IOException;

/** Why something failed, in one line for a person. */
public final class Failures {
  private Failures() {}

  /**
   * The one rule, for the command line's error line and for the reason a write or a read failed:
   * the first I/O error in the cause chain that has a message (it names the store's operation and
   * path, e.g. S3A's), else the innermost message (past wrappers such as Spark's "Job aborted due
   * to stage failure: ...", which say nothing a person can act on), else the exception's class;
   * its first line only.
   */
  public static String reason(Throwable e) {
    Throwable pick = null;
    for (Throwable t = e; t != null && pick == null; t = t.getCause()) {
      if (t instanceof IOException && said(t)) {
        pick = t;
      }
    }
    if (pick == null) {
      for (Throwable t = e; t != null; t = t.getCause()) {
        if (said(t)) {
          pick = t;
        }
      }
    }
    String msg = pick == null ? e.getClass().getSimpleName() : pick.getMessage();
    int nl = msg.indexOf('\n');
    return nl < 0 ? msg : msg.substring(0, nl);
  }

  private static boolean said(Throwable t) {
    return t.getMessage() != null && !t.getMessage().isBlank();
  }
}
