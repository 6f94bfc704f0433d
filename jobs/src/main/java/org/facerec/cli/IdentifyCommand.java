package org.facerec.cli;

import java.util.Map;
import java.util.concurrent.Callable;
import org.facerec.config.Settings;
import org.facerec.jobs.IdentifyJob;
import org.facerec.jobs.EventOutputs;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "identify", mixinStandardHelpOptions = true,
    description = {"1:K: the nearest residents of each camera image, or UNKNOWN.",
        "Writes OUT/" + EventOutputs.IDENTIFY + EventOutputs.CSV + " and OUT/"
            + EventOutputs.IDENTIFY + EventOutputs.PARQUET + "."})
final class IdentifyCommand implements Callable<Integer> {
  static final class Source {
    @Option(names = "--images", required = true, paramLabel = "DIR",
        description = "Folder of camera images (event_id = path relative to DIR).")
    String images;

    @Option(names = "--log", required = true, paramLabel = "CSV",
        description = "Access log CSV event_id,image_path[,ts].")
    String log;
  }

  @ArgGroup(exclusive = true, multiplicity = "1")
  Source source;

  @Mixin
  ResidentsOptions residents;

  @Option(names = "--top-k", paramLabel = "K", description = "Residents reported per image.")
  Integer topK;

  @Option(names = "--since", paramLabel = "DAYS",
      description = "With --history: the report's recurring strangers span the history's "
          + "UNKNOWN faces of the last DAYS days (30d or 30), this run's included.")
  String since;

  @Mixin
  CommonOptions common;

  @Override
  public Integer call() throws Exception {
    if (topK != null && topK < 1) {
      throw common.usage("--top-k must be at least 1");
    }
    Integer sinceDays = since == null ? null : days(since);
    if (sinceDays != null && residents.history == null) {
      throw common.usage("--since needs --history: the nights it spans are in that table");
    }
    Map<String, String> options = topK == null ? Map.of()
        : Map.of(Settings.TOP_K, Integer.toString(topK));
    return common.run(options, run -> IdentifyJob.run(run, new IdentifyJob.Request(
        source.images, source.log, residents.imagesRoot, residents.table, residents.out,
        residents.asOf, residents.history, sinceDays)));
  }

  private int days(String value) {
    java.util.regex.Matcher m = java.util.regex.Pattern.compile("(\\d{1,5})d?").matcher(value);
    if (!m.matches() || Integer.parseInt(m.group(1)) < 1) {
      throw common.usage("--since takes a number of days, at least 1 (30d or 30), not '"
          + value + "'");
    }
    return Integer.parseInt(m.group(1));
  }
}
