package org.facerec.cli;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.regex.Pattern;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** Prints a CSV that a job wrote (local or s3a://) as an aligned table, without Spark. */
@Command(name = "show", mixinStandardHelpOptions = true,
    description = "Prints a CSV written by a job (local or s3a://) as an aligned table.")
final class ShowCommand implements Callable<Integer> {
  @Parameters(index = "0", paramLabel = "CSV")
  String csv;

  @Option(names = "--columns", split = ",", paramLabel = "NAME",
      description = "Columns to show, in order (default: all).")
  List<String> columns;

  @Option(names = "--limit", paramLabel = "N", description = "Rows to show (default 100).")
  int limit = 100;

  @Option(names = "--width", paramLabel = "N", description = "Widest cell (default 60).")
  int width = 60;

  @Option(names = "--digits", paramLabel = "N",
      description = "Decimals shown of the numbers with more (default 4, the precision the "
          + "summaries and reports quote; -1: as written in the CSV, which keeps them all).")
  int digits = 4;

  /** A decimal number as Spark writes a double (0.24266679460634194, 1.0E-5). */
  private static final Pattern DECIMAL = Pattern.compile("-?\\d+\\.\\d+(E-?\\d+)?");

  @Spec
  picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    Path p = new Path(csv);
    FileSystem fs = p.getFileSystem(new Configuration());
    List<List<String>> rows = new ArrayList<>();
    try (BufferedReader r = new BufferedReader(
        new InputStreamReader(fs.open(p), StandardCharsets.UTF_8))) {
      String line;
      while ((line = r.readLine()) != null && rows.size() <= limit) {
        List<String> row = CsvLine.split(line);
        rows.add(rows.isEmpty() ? row : row.stream().map(this::rounded).toList());
      }
    }
    if (rows.isEmpty()) {
      throw new IllegalArgumentException(csv + " is empty");
    }
    List<String> header = rows.get(0);
    List<Integer> pick = new ArrayList<>();
    if (columns == null) {
      for (int i = 0; i < header.size(); i++) {
        pick.add(i);
      }
    } else {
      for (String c : columns) {
        int i = header.indexOf(c);
        if (i < 0) {
          throw new IllegalArgumentException("no column '" + c + "' in " + csv + " (columns: "
              + String.join(",", header) + ")");
        }
        pick.add(i);
      }
    }
    spec.commandLine().getOut().print(TableText.render(rows, pick, width));
    spec.commandLine().getOut().flush();
    return 0;
  }

  /** {@code cell} with {@link #digits} decimals when it is a decimal number with more. */
  private String rounded(String cell) {
    if (digits < 0 || !DECIMAL.matcher(cell).matches()) {
      return cell;
    }
    int dot = cell.indexOf('.');
    int e = cell.indexOf('E');
    if (e < 0 && cell.length() - dot - 1 <= digits) {
      return cell;
    }
    return String.format(Locale.ROOT, "%." + digits + "f", Double.parseDouble(cell));
  }
}
