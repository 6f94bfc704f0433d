package org.facerec.model;

import ai.djl.Device;
import ai.djl.Model;
import ai.djl.inference.Predictor;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Block;
import ai.djl.translate.TranslateException;
import ai.djl.translate.Translator;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * A network built once on one device: a DJL model on the PyTorch engine whose block holds the
 * weights (DJL's {@code BaseModelLoader} does the same for its zoo). The one place a net is made
 * from a {@link Block} and {@link ModelWeights}: the encoders, the detectors and the landmark net
 * extend it, adding their pre- and post-processing. Thread-safe: every call runs on its own
 * predictor, and the arrays of a call live in that predictor's managers.
 */
public abstract class Net implements AutoCloseable {
  private final Model model;
  private final String weightsChecksum;

  /**
   * Builds the net {@code id} on {@code device}: {@code block} makes the block with the weights
   * loaded, its arrays owned by the model's manager; the model is closed again when that fails.
   *
   * @throws IllegalArgumentException when {@code weights} are another model's
   */
  protected Net(String id, ModelWeights weights, Device device,
      Function<NDManager, Block> block) {
    weights.requireModel(id);
    Torch.configure();
    Model m = Model.newInstance(id, device, "PyTorch");
    try {
      m.setBlock(block.apply(m.getNDManager()));
    } catch (RuntimeException e) {
      m.close();
      throw e;
    }
    this.model = m;
    this.weightsChecksum = weights.checksum();
  }

  public String weightsChecksum() {
    return weightsChecksum;
  }

  public Device device() {
    return model.getNDManager().getDevice();
  }

  /** Arrays still held by the model's manager (weights included): for leak checks. */
  public int openArrayCount() {
    return model.getNDManager().getManagedArrays().size();
  }

  @Override
  public void close() {
    model.close();
  }

  /** A predictor for one thread; the caller closes it. */
  protected <I, O> Predictor<I, O> newPredictor(Translator<I, O> translator) {
    return model.newPredictor(translator);
  }

  /**
   * The outputs for {@code inputs} in order, at most {@code maxBatch} per forward pass, on one
   * predictor; {@code what} names the work in the error.
   */
  protected <I, O> List<O> predict(Translator<I, O> translator, List<I> inputs, int maxBatch,
      String what) {
    List<O> out = new ArrayList<>(inputs.size());
    if (inputs.isEmpty()) {
      return out;
    }
    try (Predictor<I, O> p = newPredictor(translator)) {
      for (int from = 0; from < inputs.size(); from += maxBatch) {
        out.addAll(p.batchPredict(inputs.subList(from, Math.min(inputs.size(), from + maxBatch))));
      }
    } catch (TranslateException e) {
      throw new IllegalStateException(what + " on " + inputs.size() + " inputs failed", e);
    }
    return out;
  }
}
