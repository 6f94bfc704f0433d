package org.facerec.cli;

import picocli.CommandLine.Option;

/** The options of the jobs that match probes against the residents: verify and identify. */
final class ResidentsOptions {
  @Option(names = "--table", required = true, paramLabel = "DIR",
      description = "Residents table (Delta, or a folder table of an earlier facerec).")
  String table;

  @Option(names = "--out", required = true, paramLabel = "DIR", description = "Output folder.")
  String out;

  @Option(names = "--images-root", paramLabel = "DIR",
      description = "Resolve relative image paths of the CSV against DIR (default: the CSV's "
          + "folder).")
  String imagesRoot;

  @Option(names = "--as-of", paramLabel = "VERSION|TIME",
      description = "Match against the residents table as it was: a version (as a run's "
          + "residents_version names it) or a UTC time yyyy-mm-dd hh:mm:ss (the last version "
          + "committed by then); re-runs an audit.")
  String asOf;

  @Option(names = "--history", paramLabel = "TABLE",
      description = "Also write the rows into this Delta table, by day (of ts, else the run's "
          + "date): a re-run of the same input replaces that day's rows.")
  String history;
}
