package org.facerec.cli;

import java.util.concurrent.Callable;
import org.facerec.jobs.EvaluateJob;
import org.facerec.jobs.EvaluateOutputs;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "evaluate", mixinStandardHelpOptions = true,
    description = {"Accuracy on labelled images: which threshold, and how many false accepts.",
        "Verification: --pairs PAIRS (a CSV fold,path1,path2,same or LFW's pairs.txt, paths "
            + "relative to --images), the k-fold protocol over the file's folds; writes "
            + "OUT/" + EvaluateOutputs.METRICS + ", OUT/" + EvaluateOutputs.REPORT + ", OUT/"
            + EvaluateOutputs.PAIRS + ", OUT/" + EvaluateOutputs.FAILED + ".",
        "Identification: --identification on --images ROOT/<identity>/*.jpg (the first image "
            + "of each identity is its gallery image, the others probe it); writes "
            + "OUT/" + EvaluateOutputs.METRICS + ", OUT/" + EvaluateOutputs.REPORT + ", OUT/"
            + EvaluateOutputs.PROBES + ", OUT/" + EvaluateOutputs.FAILED + "."})
final class EvaluateCommand implements Callable<Integer> {
  @Option(names = "--pairs", paramLabel = "PAIRS",
      description = "Labelled pairs: CSV fold,path1,path2,same or LFW's pairs.txt.")
  String pairs;

  @Option(names = "--identification",
      description = "Identification on the labelled folder --images instead of pairs.")
  boolean identification;

  @Option(names = "--images", required = true, paramLabel = "ROOT",
      description = "The folder the pairs' paths are relative to; with --identification, "
          + "ROOT/<identity>/<image>.")
  String images;

  @Option(names = "--out", required = true, paramLabel = "OUT", description = "Output folder.")
  String out;

  @Option(names = "--strangers", paramLabel = "F",
      description = "With --identification: the share of identities left out of the gallery, "
          + "whose images probe it as strangers (open set; default 0).")
  Double strangers;

  @Option(names = "--seed", paramLabel = "N",
      description = "With --identification: the seed that draws the strangers (default 0).")
  Long seed;

  @Mixin
  CommonOptions common;

  @Override
  public Integer call() throws Exception {
    if (identification == (pairs != null)) {
      throw common.usage("give --pairs PAIRS or --identification");
    }
    if (!identification && (strangers != null || seed != null)) {
      throw common.usage("--strangers and --seed go with --identification");
    }
    if (strangers != null && !(strangers >= 0 && strangers < 1)) {
      throw common.usage("--strangers must be in [0, 1), got " + strangers);
    }
    if (identification) {
      return common.run(run -> EvaluateJob.identify(run, new EvaluateJob.IdentificationRequest(
          images, out, strangers == null ? 0 : strangers, seed == null ? 0 : seed)));
    }
    return common.run(run -> EvaluateJob.verify(run, new EvaluateJob.Request(pairs, images,
        out)));
  }
}
