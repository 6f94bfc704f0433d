package org.facerec.cli;

import picocli.CommandLine.Option;

/** The options of the jobs that match probes against the residents: verify and identify. */
final class ResidentsOptions {
  @Option(names = "--table", required = true, paramLabel = "DIR", description = "Residents table.")
  String table;

  @Option(names = "--out", required = true, paramLabel = "DIR", description = "Output folder.")
  String out;

  @Option(names = "--images-root", paramLabel = "DIR",
      description = "Resolve relative image paths of the CSV against DIR (default: the CSV's "
          + "folder).")
  String imagesRoot;
}
