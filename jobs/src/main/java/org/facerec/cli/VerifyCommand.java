package org.facerec.cli;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import org.facerec.config.Settings;
import org.facerec.jobs.VerifyJob;
import org.facerec.jobs.EventOutputs;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "verify", mixinStandardHelpOptions = true,
    description = {"1:1 bulk audit: ACCEPT or REJECT each badge event (image, claimed id).",
        "Writes OUT/" + EventOutputs.VERIFY + EventOutputs.CSV + " and OUT/"
            + EventOutputs.VERIFY + EventOutputs.PARQUET + "."})
final class VerifyCommand implements Callable<Integer> {
  @Option(names = "--events", required = true, paramLabel = "CSV",
      description = "CSV event_id,image_path,claimed_id (paths relative to the CSV's folder, "
          + "absolute, or s3a://).")
  String events;

  @Mixin
  ResidentsOptions residents;

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
    Map<String, String> options = new LinkedHashMap<>();
    if (against != null) {
      options.put(Settings.VERIFY_AGAINST, against);
    }
    if (rankMargin != null) {
      options.put(Settings.RANK_MARGIN, rankMargin);
    }
    return common.run(options, run -> VerifyJob.run(run, new VerifyJob.Request(events,
        residents.imagesRoot, residents.table, residents.out, residents.asOf,
        residents.history)));
  }
}
