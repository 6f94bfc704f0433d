package org.facerec.config;

import java.io.IOException;
import java.nio.file.Path;
import org.facerec.detect.FaceFinder;
import org.facerec.detect.FinderSettings;
import org.facerec.model.FaceModel;
import org.facerec.model.ModelWeights;

/**
 * The encoder a run uses, its decision threshold ({@code facerec.threshold.<model id>}, else the
 * model's default) and where the weights are. The weights are read on the driver only when a
 * stage needs them ({@code org.facerec.stage.Encoding}), then broadcast.
 *
 * @param weightsDir the folder of the encoder's weights, or null when no setting names one
 * @param modelsDir the folder of the detector and landmark weights, or null likewise
 */
public record ModelConfig(FaceModel model, double threshold, Path weightsDir, Path modelsDir) {

  static ModelConfig of(Settings s) {
    FaceModel model = FaceModel.byId(s.get(Settings.MODEL));
    String key = thresholdKey(model.id());
    double threshold = s.has(key) ? s.getDouble(key) : model.defaultThreshold();
    String models = s.get(Settings.MODELS_DIR, null);
    String own = s.get("facerec.models." + model.id() + ".dir", models);
    return new ModelConfig(model, threshold, own == null ? null : Settings.resolve(own),
        models == null ? null : Settings.resolve(models));
  }

  /** The setting that holds {@code modelId}'s threshold. */
  public static String thresholdKey(String modelId) {
    return Settings.THRESHOLD_PREFIX + modelId;
  }

  public String id() {
    return model.id();
  }

  /** The encoder's weights, read from {@link #weightsDir}. */
  public ModelWeights readWeights() throws IOException {
    return model.readWeights(folder(weightsDir));
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
