package org.facerec.cli;

import java.util.concurrent.Callable;
import org.facerec.jobs.TrainJob;
import org.facerec.learn.TrainingConfig;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "train", mixinStandardHelpOptions = true,
    description = {"Learns an adapter on top of the encoder from labelled faces (triplet loss, "
        + "semi-hard negatives in batches of P people x K photos), and writes it as "
        + "<id>.adapter into facerec.adapters.dir with its training report.",
        "Faces: --images DIR (ROOT/<person>/*.jpg, as enroll reads it), --manifest CSV "
            + "(resident_id,path) or --table RESIDENTS (a residents table's encodings).",
        "Every job then takes it by id: --model dlib-resnet-v1+adapter-<12 hex>."})
final class TrainCommand implements Callable<Integer> {
  static final class Source {
    @Option(names = "--images", paramLabel = "DIR", description = "Folder of photos, one "
        + "folder per person.")
    String images;

    @Option(names = "--manifest", paramLabel = "CSV", description = "CSV resident_id,path.")
    String manifest;

    @Option(names = "--table", paramLabel = "DIR", description = "A residents table of the "
        + "plain encoder (resident_id is the label).")
    String table;
  }

  @ArgGroup(exclusive = true, multiplicity = "1")
  Source source = new Source();

  @Option(names = "--images-root", paramLabel = "DIR",
      description = "Resolve relative image paths of the CSV against DIR (default: the CSV's "
          + "folder).")
  String imagesRoot;

  @Option(names = "--out", paramLabel = "DIR",
      description = "Where the training report and history go (default: the adapters folder).")
  String out;

  @Option(names = "--epochs", paramLabel = "N", description = "Passes over the people "
      + "(default 10).")
  Integer epochs;

  @Option(names = "--batch", paramLabel = "PxK", description = "P people x K photos a batch "
      + "(default 16x4).")
  String batch;

  @Option(names = "--seed", paramLabel = "N", description = "Seeds every random choice "
      + "(default 0): the same faces and seed train the same adapter.")
  Long seed;

  @Option(names = "--held-out", paramLabel = "N", description = "People kept out of training "
      + "and checked after every epoch (default: a fifth, when that is at least 4; 0: none).")
  Integer heldOut;

  @Mixin
  CommonOptions common;

  @Override
  public Integer call() throws Exception {
    TrainingConfig training = TrainingConfig.defaults();
    try {
      if (epochs != null) {
        training = training.withEpochs(epochs);
      }
      if (seed != null) {
        training = training.withSeed(seed);
      }
      if (batch != null) {
        String[] pk = batch.toLowerCase(java.util.Locale.ROOT).split("x");
        if (pk.length != 2) {
          throw new IllegalArgumentException("--batch expects PxK, e.g. 16x4, not '" + batch
              + "'");
        }
        training = training.withBatch(Integer.parseInt(pk[0].trim()),
            Integer.parseInt(pk[1].trim()));
      }
    } catch (NumberFormatException e) {
      throw common.usage("--batch expects PxK, e.g. 16x4, not '" + batch + "'");
    } catch (IllegalArgumentException e) {
      throw common.usage(e.getMessage());
    }
    if (heldOut != null && heldOut < 0) {
      throw common.usage("--held-out must be 0 or more");
    }
    TrainingConfig config = training;
    return common.run(run -> TrainJob.run(run, new TrainJob.Request(source.images,
        source.manifest, imagesRoot, source.table, out, config, heldOut)));
  }
}
