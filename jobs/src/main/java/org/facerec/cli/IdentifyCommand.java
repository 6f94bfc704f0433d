package org.facerec.cli;

import java.util.concurrent.Callable;
import org.facerec.jobs.IdentifyJob;
import org.facerec.jobs.Settings;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "identify", mixinStandardHelpOptions = true,
    description = {"1:K: the nearest residents of each camera image, or UNKNOWN.",
        "Writes OUT/identify.csv and OUT/identify.parquet."})
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

  @Option(names = "--images-root", paramLabel = "DIR",
      description = "Resolve relative image paths of the CSV against DIR (default: the CSV's "
          + "folder).")
  String imagesRoot;

  @Option(names = "--table", required = true, paramLabel = "DIR", description = "Residents table.")
  String table;

  @Option(names = "--out", required = true, paramLabel = "DIR", description = "Output folder.")
  String out;

  @Option(names = "--top-k", paramLabel = "K", description = "Residents reported per image.")
  Integer topK;

  @Mixin
  CommonOptions common;

  @Override
  public Integer call() throws Exception {
    return common.run(run -> {
      int k = topK != null ? topK : run.settings().getInt(Settings.TOP_K);
      if (k < 1) {
        throw new IllegalArgumentException("--top-k must be at least 1");
      }
      return IdentifyJob.run(run, new IdentifyJob.Request(source.images, source.log, imagesRoot,
          table, out, k));
    });
  }
}
