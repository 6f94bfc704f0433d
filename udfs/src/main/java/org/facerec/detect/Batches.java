package org.facerec.detect;

import ai.djl.Model;
import ai.djl.inference.Predictor;
import ai.djl.translate.TranslateException;
import ai.djl.translate.Translator;
import java.util.ArrayList;
import java.util.List;

/** Runs a net over many inputs, at most a given number per forward pass. */
final class Batches {
  private Batches() {}

  /** The outputs for {@code inputs} in order; {@code what} names the work in the error. */
  static <I, O> List<O> predict(Model model, Translator<I, O> translator, List<I> inputs,
      int maxBatch, String what) {
    List<O> out = new ArrayList<>(inputs.size());
    if (inputs.isEmpty()) {
      return out;
    }
    try (Predictor<I, O> p = model.newPredictor(translator)) {
      for (int from = 0; from < inputs.size(); from += maxBatch) {
        out.addAll(p.batchPredict(inputs.subList(from, Math.min(inputs.size(), from + maxBatch))));
      }
    } catch (TranslateException e) {
      throw new IllegalStateException(what + " on " + inputs.size() + " inputs failed", e);
    }
    return out;
  }
}
