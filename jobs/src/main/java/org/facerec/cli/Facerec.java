package org.facerec.cli;

import java.io.PrintWriter;
import org.facerec.io.Failures;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The facerec command line. {@code main} only exits with what {@link #run} returns, which is what
 * tests call. 0: done (bad rows are rows, not failures); 1: the job could not run; 2: bad usage.
 */
@Command(name = "facerec", mixinStandardHelpOptions = true, version = "facerec 0.1.0",
    description = "Face recognition as Spark batch jobs.",
    subcommands = {EnrollCommand.class, VerifyCommand.class, IdentifyCommand.class,
        EmbedCommand.class, ShowCommand.class, EraseCommand.class, EvaluateCommand.class,
        CalibrateCommand.class, QueryCommand.class, TrainCommand.class, UpgradeCommand.class})
public final class Facerec implements Runnable {
  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  public static void main(String[] args) {
    System.exit(run(args));
  }

  public static int run(String... args) {
    return run(new PrintWriter(System.out, true), new PrintWriter(System.err, true), args);
  }

  public static int run(PrintWriter out, PrintWriter err, String... args) {
    CommandLine cl = new CommandLine(new Facerec());
    cl.setOut(out);
    cl.setErr(err);
    cl.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
      boolean verbose = parseResult.hasMatchedOption("--verbose")
          || parseResult.subcommand() != null
          && parseResult.subcommand().hasMatchedOption("--verbose");
      commandLine.getErr().println("facerec " + commandLine.getCommandName() + ": "
          + Failures.reason(e));
      if (verbose) {
        e.printStackTrace(commandLine.getErr());
      }
      commandLine.getErr().flush();
      return 1;
    });
    return cl.execute(args);
  }

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }
}
