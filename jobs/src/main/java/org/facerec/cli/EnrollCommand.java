package org.facerec.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.facerec.jobs.EnrollJob;
import org.facerec.jobs.EnrollOutputs;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "enroll", mixinStandardHelpOptions = true,
    description = {"Encodes residents' photos into the residents table (Delta).",
        "Layouts: ROOT/<resident_id>/*.jpg, flat ROOT/<resident_id>.jpg, or a manifest CSV "
            + "resident_id,path. Re-runs add only what changed."})
final class EnrollCommand implements Callable<Integer> {
  static final class Source {
    @Option(names = "--images", paramLabel = "DIR", description = "Folder of photos.")
    String images;

    @Option(names = "--manifest", paramLabel = "CSV", description = "CSV resident_id,path.")
    String manifest;
  }

  @ArgGroup(exclusive = true, multiplicity = "0..1")
  Source source = new Source();

  @Option(names = "--images-root", paramLabel = "DIR",
      description = "Resolve relative image paths of the CSV against DIR (default: the CSV's "
          + "folder).")
  String imagesRoot;

  @Option(names = "--table", required = true, paramLabel = "DIR",
      description = "The residents table (Delta), created or updated: only what changed is "
          + "written, as a new version.")
  String table;

  @Option(names = "--out", paramLabel = "DIR",
      description = "Where " + EnrollOutputs.CSV + " goes (default: the table's parent folder).")
  String out;

  @Option(names = "--replace", paramLabel = "ID", arity = "1..*",
      description = "Drop these residents' rows first, then enrol them afresh.")
  List<String> replace = new ArrayList<>();

  @Option(names = "--remove", paramLabel = "ID", arity = "1..*",
      description = "Delete these residents from the table.")
  List<String> remove = new ArrayList<>();

  @Mixin
  CommonOptions common;

  @Override
  public Integer call() throws Exception {
    if (source.images == null && source.manifest == null && remove.isEmpty()) {
      throw common.usage("give --images DIR or --manifest CSV (or --remove ID... alone)");
    }
    return common.run(run -> EnrollJob.run(run, new EnrollJob.Request(source.images,
        source.manifest, imagesRoot, table, new EnrollOutputs(table, out).csv(), replace,
        remove)));
  }
}
