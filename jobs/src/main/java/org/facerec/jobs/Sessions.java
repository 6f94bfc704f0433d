package org.facerec.jobs;

import java.util.Map;
import org.apache.spark.SparkConf;
import org.apache.spark.sql.SparkSession;
import org.facerec.io.DeltaTables;

/**
 * One code path for both ways to run: under spark-submit the cluster's session already exists (or
 * its settings are in the JVM's properties) and is taken with getOrCreate(); run from the command
 * line, facerec starts its own embedded {@code local[*]} session, or, given a standalone master
 * ({@code --spark spark.master=spark://...}), a session on that cluster ({@link EmbeddedMaster}).
 */
public final class Sessions {
  private Sessions() {}

  /** True when spark-submit (or the user) chose a master: then we join, not start, a cluster. */
  public static boolean underSparkSubmit() {
    return new SparkConf().contains("spark.master");
  }

  public static SparkSession get(Map<String, String> sparkOverrides) {
    SparkSession.Builder b = SparkSession.builder().appName("facerec");
    // facerec's tables are Delta tables: Delta's extension and catalog, beside any the user set
    SparkConf given = new SparkConf();
    String ext = given.get("spark.sql.extensions", "");
    if (!ext.contains(DeltaTables.EXTENSION)) {
      b.config("spark.sql.extensions", ext.isBlank() ? DeltaTables.EXTENSION
          : ext + "," + DeltaTables.EXTENSION);
    }
    if (!given.contains("spark.sql.catalog.spark_catalog")) {
      b.config("spark.sql.catalog.spark_catalog", DeltaTables.CATALOG);
    }
    if (!underSparkSubmit() && !EmbeddedMaster.isLocal(sparkOverrides.get("spark.master"))) {
      // a cluster's master named on the command line: its executors get facerec's jar
      sparkOverrides = EmbeddedMaster.settings(sparkOverrides, EmbeddedMaster.codeSource());
    } else if (!underSparkSubmit()) {
      b.master("local[*]")
          .config("spark.ui.enabled", "false")
          .config("spark.ui.showConsoleProgress", "true")
          .config("spark.driver.host", "127.0.0.1")
          .config("spark.driver.bindAddress", "127.0.0.1")
          .config("spark.sql.shuffle.partitions", "8")
          .config("spark.sql.adaptive.enabled", "true");
      if (!given.contains(DeltaTables.SNAPSHOT_PARTITIONS)) {
        b.config(DeltaTables.SNAPSHOT_PARTITIONS, DeltaTables.localSnapshotPartitions());
      }
    }
    sparkOverrides.forEach(b::config);
    return b.getOrCreate();
  }
}
