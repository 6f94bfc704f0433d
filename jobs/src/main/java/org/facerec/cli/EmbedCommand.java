package org.facerec.cli;

import java.util.List;
import java.util.concurrent.Callable;
import org.facerec.jobs.EmbedJob;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "embed", mixinStandardHelpOptions = true,
    description = "Writes the encodings of images as given (no detection): path,e0..e127.")
final class EmbedCommand implements Callable<Integer> {
  @Option(names = "--out", required = true, paramLabel = "FILE.csv", description = "Output CSV.")
  String out;

  @Parameters(arity = "1..*", paramLabel = "IMAGE_OR_DIR", description = "Images or folders.")
  List<String> inputs;

  @Mixin
  CommonOptions common;

  @Override
  public Integer call() throws Exception {
    return common.run(run -> EmbedJob.run(run, new EmbedJob.Request(inputs, out)));
  }
}
