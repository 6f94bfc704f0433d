package org.facerec.model;

import ai.djl.Device;
import ai.djl.Model;
import ai.djl.inference.Predictor;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.translate.Batchifier;
import ai.djl.translate.TranslateException;
import ai.djl.translate.Translator;
import ai.djl.translate.TranslatorContext;
import java.util.List;
import org.facerec.image.Resize;
import org.facerec.image.RgbImage;

/**
 * A face encoder: one model's network built once on one device; batches of RGB images in,
 * {@code float[]} encodings out. Thread-safe: every call (or every {@link #newPredictor()}) gets
 * its own predictor, and every batch's arrays live in a manager that is closed after the batch.
 */
public final class FaceEncoder implements AutoCloseable {
  private final FaceModel faceModel;
  private final String weightsChecksum;
  private final Model model;

  private FaceEncoder(FaceModel faceModel, String weightsChecksum, Model model) {
    this.faceModel = faceModel;
    this.weightsChecksum = weightsChecksum;
    this.model = model;
  }

  /** Builds {@code weights}' model on {@code device} (the PyTorch engine; CPU or a CUDA GPU). */
  public static FaceEncoder create(ModelWeights weights, Device device) {
    FaceModel fm = FaceModel.byId(weights.modelId());
    Torch.configure();
    Model model = Model.newInstance(fm.id(), device, "PyTorch");
    try {
      model.setBlock(fm.create(weights, model.getNDManager()));
    } catch (RuntimeException e) {
      model.close();
      throw e;
    }
    return new FaceEncoder(fm, weights.checksum(), model);
  }

  public FaceModel faceModel() {
    return faceModel;
  }

  public String weightsChecksum() {
    return weightsChecksum;
  }

  public Device device() {
    return model.getNDManager().getDevice();
  }

  /** A predictor for one thread (one Spark task); close it when the task ends. */
  public Predictor<RgbImage, float[]> newPredictor() {
    return model.newPredictor(new EncodeTranslator(faceModel));
  }

  /** Encodes {@code images} as one batch; images of another size are resized to the input. */
  public float[][] encode(List<RgbImage> images) {
    if (images.isEmpty()) {
      return new float[0][];
    }
    try (Predictor<RgbImage, float[]> p = newPredictor()) {
      return p.batchPredict(images).toArray(new float[0][]);
    } catch (TranslateException e) {
      throw new IllegalStateException("encoding a batch of " + images.size() + " failed", e);
    }
  }

  /** Arrays still held by the model's manager (weights included): for leak checks. */
  public int openArrayCount() {
    return model.getNDManager().getManagedArrays().size();
  }

  @Override
  public void close() {
    model.close();
  }

  /** Turns one image into the model's normalised CHW input; the batchifier stacks a batch. */
  static final class EncodeTranslator implements Translator<RgbImage, float[]> {
    private final FaceModel fm;

    EncodeTranslator(FaceModel fm) {
      this.fm = fm;
    }

    @Override
    public NDList processInput(TranslatorContext ctx, RgbImage image) {
      int s = fm.inputSize();
      return new NDList(ctx.getNDManager().create(toInput(fm, image), new Shape(3, s, s)));
    }

    @Override
    public float[] processOutput(TranslatorContext ctx, NDList list) {
      NDArray out = list.singletonOrThrow();
      return out.toFloatArray();
    }

    @Override
    public Batchifier getBatchifier() {
      return Batchifier.STACK;
    }
  }

  /** The model's input for {@code image}: resized to the input size, normalised, CHW. */
  public static float[] toInput(FaceModel fm, RgbImage image) {
    int s = fm.inputSize();
    RgbImage img = Resize.to(image, s, s);
    byte[] rgb = img.rgb();
    float[] chw = new float[3 * s * s];
    int plane = s * s;
    for (int i = 0; i < plane; i++) {
      for (int c = 0; c < 3; c++) {
        chw[c * plane + i] = fm.normalize(rgb[3 * i + c] & 0xff, c);
      }
    }
    return chw;
  }
}
