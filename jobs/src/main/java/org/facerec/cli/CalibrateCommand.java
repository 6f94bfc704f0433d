package org.facerec.cli;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.facerec.jobs.CalibrateJob;
import org.facerec.learn.PairHead;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "calibrate", mixinStandardHelpOptions = true,
    description = {"The threshold for a target false accept rate, on labelled pairs: the highest "
        + "whose FAR is at most the target. Prints it with the FAR and FRR it measures.",
        "Pairs: --pairs PAIRS --images ROOT (encoded as evaluate does) or --distances "
            + "OUT/pairs.csv of an earlier evaluate (no encoding).",
        "--write FILE sets facerec.threshold.<model> in that conf file (kept otherwise as it "
            + "is); verify and identify read it with --conf FILE.",
        "--head logistic|chi2 fits the learned same-person head on the pairs' encodings "
            + "instead (--pairs and --images), picks its probability threshold for the target "
            + "FAR on held-out folds, and --write sets facerec.head.<model>.* and "
            + "facerec.decide-by=head."})
final class CalibrateCommand implements Callable<Integer> {
  @Option(names = "--far", required = true, paramLabel = "RATE",
      description = "Target false accept rate, e.g. 1e-3.")
  double far;

  @Option(names = "--pairs", paramLabel = "PAIRS",
      description = "Labelled pairs: CSV fold,path1,path2,same or LFW's pairs.txt.")
  String pairs;

  @Option(names = "--images", paramLabel = "ROOT",
      description = "The folder the pairs' paths are relative to.")
  String images;

  @Option(names = "--distances", paramLabel = "CSV",
      description = "The pairs.csv an evaluate run wrote (its model's distances).")
  String distances;

  @Option(names = "--write", paramLabel = "FILE",
      description = "Conf file to set facerec.threshold.<model> in (created when missing).")
  Path write;

  @Option(names = "--json", paramLabel = "FILE",
      description = "Also write the threshold, FAR, FRR and counts as JSON.")
  String json;

  @Option(names = "--head", paramLabel = "logistic|chi2",
      description = "Fit the learned same-person head of this kind (needs --pairs and --images).")
  String head;

  @Mixin
  CommonOptions common;

  @Override
  public Integer call() throws Exception {
    if ((distances != null) == (pairs != null || images != null)
        || distances == null && (pairs == null || images == null)) {
      throw common.usage("give --pairs PAIRS with --images ROOT, or --distances CSV");
    }
    if (!(far > 0 && far < 1)) {
      throw common.usage("--far must be between 0 and 1, got " + far);
    }
    PairHead.Kind kind = null;
    if (head != null) {
      try {
        kind = PairHead.Kind.of(head);
      } catch (IllegalArgumentException e) {
        throw common.usage("--head must be logistic or chi2, not '" + head + "'");
      }
      if (distances != null) {
        throw common.usage("--head fits on encodings: give --pairs PAIRS with --images ROOT, "
            + "not --distances");
      }
    }
    PairHead.Kind fit = kind;
    return common.run(run -> CalibrateJob.run(run, new CalibrateJob.Request(pairs, images,
        distances, far, common.model, write, json, fit)));
  }
}
