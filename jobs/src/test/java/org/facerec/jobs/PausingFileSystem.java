package org.facerec.jobs;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.file.Files;
import java.nio.file.Paths;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.LocalFileSystem;
import org.apache.hadoop.fs.permission.FsPermission;
import org.apache.hadoop.util.Progressable;

/**
 * The local file system, except that a task creating a data file of a table in staging (the
 * first files of a write) first creates the marker file named by {@value #MARKER} and then waits
 * there, so that a test can kill the driver while the table is being written. Loaded on the
 * driver and the executors from a folder of its own (ClusterIT), so it depends on Hadoop only.
 */
public class PausingFileSystem extends LocalFileSystem {
  static final String MARKER = "facerec.test.pause-marker";
  /** Where a paused file's path starts; a Delta table's data files are written right there. */
  static final String UNDER = "facerec.test.pause-under";

  @Override
  public FSDataOutputStream create(org.apache.hadoop.fs.Path f, FsPermission permission,
      boolean overwrite, int bufferSize, short replication, long blockSize,
      Progressable progress) throws IOException {
    String marker = getConf().get(MARKER);
    String under = getConf().get(UNDER);
    if (marker != null && f.getName().startsWith("part-") && (under != null
        ? f.toUri().getPath().startsWith(under) : f.toString().contains("/.staging-"))) {
      try {
        Files.createFile(Paths.get(marker));
      } catch (java.nio.file.FileAlreadyExistsException e) {
        // another task got here first
      }
      try {
        Thread.sleep(600_000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new InterruptedIOException("paused write interrupted");
      }
    }
    return super.create(f, permission, overwrite, bufferSize, replication, blockSize, progress);
  }
}
