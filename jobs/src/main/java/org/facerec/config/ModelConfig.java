package org.facerec.config;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Locale;
import org.facerec.detect.FaceFinder;
import org.facerec.detect.FinderSettings;
import org.facerec.learn.PairHead;
import org.facerec.model.Adapter;
import org.facerec.model.EncodingModel;
import org.facerec.model.ModelWeights;

/**
 * The encoder a run uses, how it decides "same person", and where the weights are. The model is
 * a base encoder, or a base encoder and an adapter named by its id
 * ({@code dlib-resnet-v1+adapter-<12 hex>}, read from {@code facerec.adapters.dir}); every
 * setting keyed by model ({@code facerec.threshold.<id>}, {@code facerec.head.<id>.*}) takes the
 * full id. The decision is the threshold on the L2 distance ({@code facerec.decide-by =
 * distance}: the threshold set for the id, else the adapter's suggested one, else the base
 * model's default), or the learned head's {@code p_same >= p-threshold} ({@code head}). The
 * encoder's weights are read on the driver only when a stage needs them
 * ({@code org.facerec.stage.Encoding}), then broadcast.
 *
 * @param weightsDir the folder of the base encoder's weights, or null when no setting names one
 * @param modelsDir the folder of the detector and landmark weights, or null likewise
 * @param adaptersDir where adapters are kept ({@code facerec.adapters.dir}), or null
 * @param head the same-person head verify and identify decide by; null: the distance threshold
 */
public record ModelConfig(EncodingModel model, double threshold, Path weightsDir, Path modelsDir,
    Path adaptersDir, PairHead head) {

  static ModelConfig of(Settings s) {
    String id = s.get(Settings.MODEL);
    String adapters = s.get(Settings.ADAPTERS_DIR, null);
    Path adaptersDir = adapters == null ? null : Settings.resolve(adapters);
    EncodingModel model;
    try {
      if (Adapter.isAdapterId(id) && adaptersDir == null) {
        throw new IOException("model " + id + " is an adapter, but no folder is set to find it in");
      }
      model = EncodingModel.byId(id, adaptersDir);
    } catch (IOException e) {
      // one line, no cause: the error line shows the first I/O error's message, this one
      throw new IllegalArgumentException(e.getMessage() + " (setting " + Settings.ADAPTERS_DIR
          + "; facerec train writes adapters there)");
    }
    String key = thresholdKey(model.id());
    double threshold = s.has(key) ? s.getDouble(key) : model.defaultThreshold();
    String models = s.get(Settings.MODELS_DIR, null);
    String own = s.get("facerec.models." + model.base().id() + ".dir", models);
    return new ModelConfig(model, threshold, own == null ? null : Settings.resolve(own),
        models == null ? null : Settings.resolve(models), adaptersDir, head(s, model.id()));
  }

  /** The head to decide by, or null when {@code facerec.decide-by} is {@code distance}. */
  private static PairHead head(Settings s, String modelId) {
    String by = s.get(Settings.DECIDE_BY, "distance").toLowerCase(Locale.ROOT);
    if (by.equals("distance")) {
      return null;
    }
    if (!by.equals("head")) {
      throw new IllegalArgumentException("setting " + Settings.DECIDE_BY + " must be distance "
          + "or head, not '" + by + "'");
    }
    if (!PairHead.inConf(s.asMap(), modelId)) {
      throw new IllegalArgumentException(Settings.DECIDE_BY + " is head, but no head is set for "
          + "model " + modelId + " (" + PairHead.CONF_PREFIX + modelId + ".*): fit one with "
          + "facerec calibrate --head logistic|chi2 --write FILE");
    }
    PairHead head = PairHead.fromConf(s.asMap(), modelId);
    if (Double.isNaN(head.pThreshold())) {
      throw new IllegalArgumentException("setting " + PairHead.CONF_PREFIX + modelId
          + ".p-threshold is missing: facerec calibrate --head sets it for a target FAR");
    }
    return head;
  }

  /** The setting that holds {@code modelId}'s threshold. */
  public static String thresholdKey(String modelId) {
    return Settings.THRESHOLD_PREFIX + modelId;
  }

  /** The full model id, adapter included: what tables carry in {@code model_id}. */
  public String id() {
    return model.id();
  }

  /** True when verify and identify decide by the head's probability, not the distance. */
  public boolean byHead() {
    return head != null;
  }

  /** The base encoder's weights, read from {@link #weightsDir}. */
  public ModelWeights readWeights() throws IOException {
    return model.base().readWeights(folder(weightsDir));
  }

  /** The detector and landmark weights {@code finder} needs, from the models folder. */
  public FaceFinder.Weights readFinderWeights(FinderSettings finder) throws IOException {
    return FaceFinder.Weights.readFor(finder, folder(modelsDir));
  }

  private static Path folder(Path dir) {
    if (dir == null) {
      throw new IllegalArgumentException("setting " + Settings.MODELS_DIR + " is not set");
    }
    return dir;
  }
}
