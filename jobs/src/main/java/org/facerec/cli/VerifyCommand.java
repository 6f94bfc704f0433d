package org.facerec.cli;

import java.util.concurrent.Callable;
import org.facerec.jobs.Settings;
import org.facerec.jobs.VerifyJob;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "verify", mixinStandardHelpOptions = true,
    description = {"1:1 bulk audit: ACCEPT or REJECT each badge event (image, claimed id).",
        "Writes OUT/verify.csv and OUT/verify.parquet."})
final class VerifyCommand implements Callable<Integer> {
  @Option(names = "--events", required = true, paramLabel = "CSV",
      description = "CSV event_id,image_path,claimed_id (paths relative to the CSV's folder, "
          + "absolute, or s3a://).")
  String events;

  @Option(names = "--images-root", paramLabel = "DIR",
      description = "Resolve relative image paths of the CSV against DIR (default: the CSV's "
          + "folder).")
  String imagesRoot;

  @Option(names = "--table", required = true, paramLabel = "DIR", description = "Residents table.")
  String table;

  @Option(names = "--out", required = true, paramLabel = "DIR", description = "Output folder.")
  String out;

  @Option(names = "--against", paramLabel = "min|mean",
      description = "Distance to the claimed resident's nearest photo (min) or mean encoding.")
  String against;

  @Option(names = "--rank-margin", paramLabel = "M|off",
      description = "REJECT when another resident is nearer than the claimed one by more than M.")
  String rankMargin;

  @Mixin
  CommonOptions common;

  @Override
  public Integer call() throws Exception {
    if (against != null) {
      common.set.add(Settings.VERIFY_AGAINST + "=" + against);
    }
    if (rankMargin != null) {
      common.set.add(Settings.RANK_MARGIN + "=" + rankMargin);
    }
    return common.run(run -> VerifyJob.run(run,
        new VerifyJob.Request(events, imagesRoot, table, out)));
  }
}
