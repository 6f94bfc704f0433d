package org.facerec.spark;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * Reads one image file by path (local, hdfs:// or s3a://) with a size guard, inside the
 * partitions, so that a missing, unreadable or huge file is a row with a reason, not a failed job.
 */
public final class ImageFiles {
  private ImageFiles() {}

  /** The bytes, or the reason there are none. */
  public record Read(byte[] bytes, String error) {}

  /** Image bytes handed over as they are (a SQL function's argument), under the same guard. */
  public static Read of(byte[] content, long maxBytes) {
    if (content == null) {
      return new Read(null, "no image content given");
    }
    if (content.length > maxBytes) {
      return new Read(null, "content is " + content.length + " bytes, over the limit of "
          + maxBytes + " (facerec.image.max-bytes)");
    }
    return new Read(content, null);
  }

  public static Read read(String path, long maxBytes, Configuration conf) {
    if (path == null || path.isBlank()) {
      return new Read(null, "no image path given");
    }
    try {
      Path p = new Path(path);
      FileSystem fs = p.getFileSystem(conf);
      FileStatus st = fs.getFileStatus(p);
      if (st.isDirectory()) {
        return new Read(null, "path is a directory, not an image file: " + path);
      }
      if (st.getLen() > maxBytes) {
        return new Read(null, "file is " + st.getLen() + " bytes, over the limit of " + maxBytes
            + " (facerec.image.max-bytes)");
      }
      byte[] bytes = new byte[(int) st.getLen()];
      try (InputStream in = fs.open(p)) {
        int off = 0;
        while (off < bytes.length) {
          int n = in.read(bytes, off, bytes.length - off);
          if (n < 0) {
            return new Read(null, "file shrank while being read: " + path);
          }
          off += n;
        }
      }
      return new Read(bytes, null);
    } catch (FileNotFoundException e) {
      return new Read(null, "file not found: " + path);
    } catch (java.nio.file.AccessDeniedException
        | org.apache.hadoop.security.AccessControlException e) {
      return new Read(null, "access denied: " + path);
    } catch (IllegalArgumentException e) {
      return new Read(null, "bad path " + path + ": " + e.getMessage());
    } catch (IOException e) {
      // Anything else (a store that is down, a network fault) fails the task, which Spark
      // retries; marking the image bad would quietly lose it.
      throw new UncheckedIOException("cannot read " + path + ": " + e.getMessage(), e);
    }
  }
}
