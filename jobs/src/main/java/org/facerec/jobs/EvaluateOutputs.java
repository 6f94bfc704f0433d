package org.facerec.jobs;

/**
 * evaluate's outputs in its output folder, named here and nowhere else: the metrics as JSON, the
 * report, the pairs' (verification) or the probes' (identification) distances, and the images
 * that could not be encoded.
 */
public record EvaluateOutputs(String dir) {
  public static final String METRICS = "metrics.json";
  public static final String REPORT = "report.html";
  public static final String PAIRS = "pairs.csv";
  public static final String PROBES = "probes.csv";
  public static final String FAILED = "failed_images.csv";

  public String metrics() {
    return dir + "/" + METRICS;
  }

  public String report() {
    return dir + "/" + REPORT;
  }

  public String pairs() {
    return dir + "/" + PAIRS;
  }

  public String probes() {
    return dir + "/" + PROBES;
  }

  public String failed() {
    return dir + "/" + FAILED;
  }
}
