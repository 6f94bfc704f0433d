package org.facerec.cli;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.facerec.jobs.QueryJob;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "query", mixinStandardHelpOptions = true,
    description = {"Runs Spark SQL on facerec's tables, with the face_* functions (face_distance, "
        + "face_cosine, face_match, face_nearest, face_embed, face_error).",
        "Prints the result as an aligned table, or writes it to --out FILE.csv."})
final class QueryCommand implements Callable<Integer> {
  @Option(names = "--table", paramLabel = "NAME=PATH",
      description = "A table to query as the view NAME: a facerec table (residents table, "
          + "verify.parquet, identify.parquet; local or s3a://) or a CSV file (repeatable).")
  List<String> tables = new ArrayList<>();

  @Option(names = "--out", paramLabel = "FILE.csv",
      description = "Write the whole result as CSV (arrays and structs as JSON) instead.")
  String out;

  @Option(names = "--limit", paramLabel = "N", description = "Rows to print (default 100).")
  int limit = 100;

  @Option(names = "--width", paramLabel = "N", description = "Widest cell printed (default 60).")
  int width = 60;

  @Parameters(index = "0", paramLabel = "SQL", description = "One SQL statement.")
  String sql;

  @Mixin
  CommonOptions common;

  @Override
  public Integer call() throws Exception {
    Map<String, String> views = new LinkedHashMap<>();
    for (String t : tables) {
      int eq = t.indexOf('=');
      if (eq <= 0 || eq == t.length() - 1) {
        throw common.usage("--table expects NAME=PATH, got '" + t + "'");
      }
      views.put(t.substring(0, eq).trim(), t.substring(eq + 1).trim());
    }
    return common.print(Map.of(), run -> {
      QueryJob.Result r = QueryJob.run(run, new QueryJob.Request(views, sql, out, limit));
      if (out != null) {
        return "facerec query: " + r.written() + " rows written to " + out + "\n";
      }
      List<Integer> all = new ArrayList<>();
      for (int i = 0; i < r.rows().get(0).size(); i++) {
        all.add(i);
      }
      int shown = r.rows().size() - 1;
      return TableText.render(r.rows(), all, width) + (r.more()
          ? "(the first " + shown + " rows; --limit N for more, --out FILE.csv for all)\n"
          : "(" + shown + (shown == 1 ? " row" : " rows") + ")\n");
    });
  }
}
