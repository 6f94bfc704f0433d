package org.facerec.model;

import ai.djl.ndarray.NDManager;
import ai.djl.nn.Block;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * The registry of face encoders, keyed by model id: input size, preprocessing, embedding size,
 * whether the output is L2-normalised, and the default verification threshold (plain L2 distance,
 * compared strictly: {@code distance < threshold} is the same person).
 */
public enum FaceModel {
  /** dlib's ResNet-29 (LFW 99.38%); weights from {@code @vladmandic/face-api}. The default. */
  DLIB_RESNET_V1("dlib-resnet-v1", 150, new float[] {122.782f, 117.001f, 104.298f}, 256f,
      128, false, 0.6) {
    @Override
    public ModelWeights readWeights(Path dir) throws IOException {
      return DlibResNet.readWeights(id(), dir);
    }

    @Override
    public Block create(ModelWeights weights, NDManager manager) {
      return DlibResNet.create(weights, manager);
    }

    @Override
    public long flopsPerImage() {
      return DlibResNet.flopsPerImage();
    }
  },

  /**
   * OpenFace nn4.small2 as the "Happy House" exercise builds it; {@link #readWeights} takes the
   * Keras-OpenFace {@code weights/} folder of CSV files (see {@link OpenFaceNn4Small2}).
   */
  OPENFACE_NN4_SMALL2_V1("openface-nn4small2-v1", 96, new float[] {0f, 0f, 0f}, 255f,
      128, true, 0.7) {
    @Override
    public ModelWeights readWeights(Path dir) throws IOException {
      return OpenFaceNn4Small2.readWeights(id(), dir);
    }

    @Override
    public Block create(ModelWeights weights, NDManager manager) {
      return OpenFaceNn4Small2.create(weights, manager);
    }

    @Override
    public long flopsPerImage() {
      return OpenFaceNn4Small2.flopsPerImage();
    }
  };

  public static final FaceModel DEFAULT = DLIB_RESNET_V1;

  private final String id;
  private final int inputSize;
  private final float[] mean;
  private final float divisor;
  private final int embeddingSize;
  private final boolean normalized;
  private final double defaultThreshold;

  FaceModel(String id, int inputSize, float[] mean, float divisor, int embeddingSize,
      boolean normalized, double defaultThreshold) {
    this.id = id;
    this.inputSize = inputSize;
    this.mean = mean;
    this.divisor = divisor;
    this.embeddingSize = embeddingSize;
    this.normalized = normalized;
    this.defaultThreshold = defaultThreshold;
  }

  /** Reads this model's weights from {@code dir}; fails with what is missing. */
  public abstract ModelWeights readWeights(Path dir) throws IOException;

  /** Builds the network with {@code weights} loaded, its arrays owned by {@code manager}. */
  public abstract Block create(ModelWeights weights, NDManager manager);

  /** Floating-point operations of one forward pass (2 per multiply-add), from layer shapes. */
  public abstract long flopsPerImage();

  public String id() {
    return id;
  }

  /** Side of the square RGB input, in pixels. */
  public int inputSize() {
    return inputSize;
  }

  public int embeddingSize() {
    return embeddingSize;
  }

  public boolean normalized() {
    return normalized;
  }

  public double defaultThreshold() {
    return defaultThreshold;
  }

  /** Input value of channel {@code c} for the 0..255 sample {@code v}: (v - mean[c]) / divisor. */
  public float normalize(int v, int c) {
    return ((float) v - mean[c]) / divisor;
  }

  /**
   * One encoding from two of the same face (e.g. a chip and its mirror image): their mean,
   * brought back to unit length for models whose encodings are normalised.
   */
  public float[] combine(float[] a, float[] b) {
    float[] m = new float[a.length];
    double norm = 0;
    for (int i = 0; i < a.length; i++) {
      m[i] = (a[i] + b[i]) / 2;
      norm += (double) m[i] * m[i];
    }
    if (normalized && norm > 0) {
      float scale = (float) (1 / Math.sqrt(norm));
      for (int i = 0; i < m.length; i++) {
        m[i] *= scale;
      }
    }
    return m;
  }

  public static FaceModel byId(String id) {
    for (FaceModel m : values()) {
      if (m.id.equals(id)) {
        return m;
      }
    }
    throw new IllegalArgumentException("unknown model id '" + id + "'; known models: " + ids());
  }

  public static String ids() {
    return Arrays.stream(values()).map(FaceModel::id).collect(Collectors.joining(", "));
  }

  @Override
  public String toString() {
    return id;
  }

  String describe() {
    return String.format(Locale.ROOT, "%s (%dx%d in, %d-d out%s, threshold %.2f)", id, inputSize,
        inputSize, embeddingSize, normalized ? ", unit norm" : "", defaultThreshold);
  }
}
