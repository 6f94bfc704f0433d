package org.facerec.model;

import ai.djl.Device;
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
 * A face encoder: one model's network ({@link Net}) built once on one device; batches of RGB
 * images in, {@code float[]} encodings out. Thread-safe: every call (or every {@link #newPredictor()}) gets
 * its own predictor, and every batch's arrays live in a manager that is closed after the batch.
 */
public final class FaceEncoder extends Net {
  private final FaceModel faceModel;

  private FaceEncoder(FaceModel faceModel, ModelWeights weights, Device device) {
    super(faceModel.id(), weights, device, manager -> faceModel.create(weights, manager));
    this.faceModel = faceModel;
  }

  /** Builds {@code weights}' model on {@code device} (the PyTorch engine; CPU or a CUDA GPU). */
  public static FaceEncoder create(ModelWeights weights, Device device) {
    return new FaceEncoder(FaceModel.byId(weights.modelId()), weights, device);
  }

  public FaceModel faceModel() {
    return faceModel;
  }

  /** A predictor for one thread (one Spark task); close it when the task ends. */
  public Predictor<RgbImage, float[]> newPredictor() {
    return newPredictor(new EncodeTranslator(faceModel));
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
