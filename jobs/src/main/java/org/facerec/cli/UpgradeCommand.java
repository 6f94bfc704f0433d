package org.facerec.cli;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import org.facerec.io.ResidentsTable;
import org.facerec.jobs.Summary;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "upgrade", mixinStandardHelpOptions = true,
    description = {"Makes a residents table of an earlier facerec (a folder of Parquet) a Delta "
        + "table, in place: its rows become version 0, the folder's old files are deleted.",
        "Jobs read folder tables as they are, and enroll and erase upgrade them first; a Delta "
            + "table is left as it is."})
final class UpgradeCommand implements Callable<Integer> {
  @Option(names = "--table", required = true, paramLabel = "DIR",
      description = "The residents table.")
  String table;

  @Mixin
  CommonOptions common;

  @Override
  public Integer call() throws Exception {
    return common.run(run -> {
      boolean was = run.tables().exists(table) && !run.tables().isDelta(table);
      long version = run.tables().upgrade(table, ResidentsTable.SCHEMA);
      if (version < 0) {
        throw new java.io.IOException("there is no table at " + table);
      }
      Map<String, String> facts = new LinkedHashMap<>();
      facts.put("table", table + (was ? " is now a Delta table" : " was a Delta table already")
          + ", version " + version);
      return new Summary("upgrade", Map.of(), 0, run.elapsedSeconds(), facts);
    });
  }
}
