package org.facerec.jobs;

import org.apache.hadoop.fs.Path;

/**
 * enroll's CSV copy of the residents table (no encodings), named here and nowhere else: in
 * {@code --out}, by default beside the table. Erase rewrites it there and in its {@code --out}
 * folders.
 *
 * @param table the residents table
 * @param out the folder the copy goes to, or null for the table's parent folder
 */
public record EnrollOutputs(String table, String out) {
  public static final String CSV = "enroll.csv";

  public String csv() {
    return (out != null ? out : parent(table)) + "/" + CSV;
  }

  private static String parent(String path) {
    Path parent = new Path(path).getParent();
    return parent == null ? "." : parent.toString();
  }
}
