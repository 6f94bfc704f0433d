package org.facerec.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.facerec.jobs.EnrollOutputs;
import org.facerec.jobs.EraseJob;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "erase", mixinStandardHelpOptions = true,
    description = {"Erases residents: their rows leave the residents table and the outputs named, "
        + "whose files are rewritten (no file keeps their rows).",
        "Rows of other events that name them (nearest resident, candidate) go too; re-run verify "
            + "or identify to recompute those."})
final class EraseCommand implements Callable<Integer> {
  @Option(names = "--resident", required = true, arity = "1..*", paramLabel = "ID",
      description = "Residents to erase.")
  List<String> residents;

  @Option(names = "--table", required = true, paramLabel = "DIR",
      description = "The residents table (its " + EnrollOutputs.CSV + " beside it is rewritten "
          + "too).")
  String table;

  @Option(names = "--out", arity = "1..*", paramLabel = "DIR",
      description = "Output folders of verify, identify or enroll --out: their verify.*, "
          + "identify.* and " + EnrollOutputs.CSV + " are rewritten.")
  List<String> outs = new ArrayList<>();

  @Option(names = "--history", arity = "1..*", paramLabel = "TABLE",
      description = "History tables of verify or identify --history: their rows naming the "
          + "residents are deleted, with the files that held them.")
  List<String> histories = new ArrayList<>();

  @Mixin
  CommonOptions common;

  @Override
  public Integer call() throws Exception {
    return common.run(run -> EraseJob.run(run, new EraseJob.Request(residents, table, outs,
        histories)));
  }
}
