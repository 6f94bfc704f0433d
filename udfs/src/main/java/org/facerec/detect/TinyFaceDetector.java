package org.facerec.detect;

import ai.djl.Device;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.Block;
import ai.djl.nn.LambdaBlock;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.pooling.Pool;
import ai.djl.translate.Batchifier;
import ai.djl.translate.Translator;
import ai.djl.translate.TranslatorContext;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.facerec.image.RgbImage;
import org.facerec.model.ModelWeights;
import org.facerec.model.Net;
import org.facerec.model.Tensor;
import org.facerec.model.TfjsWeights;

/**
 * face-api.js's Tiny Face Detector (the fast one: a tiny-YOLOv2 with depthwise separable convs)
 * as DJL blocks, with the weights {@code @vladmandic/face-api} ships
 * ({@code tiny_face_detector_model}).
 *
 * <p>Input: the image padded at the right or bottom to a square, resized to {@code inputSize}
 * (default 416, a multiple of 32) with TF's legacy bilinear kernel, {@code (v - mean) / 256}
 * (face-api.js 0.22's divisor; {@code @vladmandic/face-api} divides by 255). Network: conv 3x3
 * VALID + leaky relu (0.1), then five 2x2/2 SAME max pool + zero-pad-1 + separable 3x3 + leaky
 * blocks, a 2x2/1 SAME max pool, and a 1x1 conv to 5 anchors x
 * (tx, ty, tw, th, score) per cell of the 13x13 grid. Decoding (sigmoid centres, exp sizes times
 * the anchor, in double) and NMS (IoU 0.4) run in Java as face-api.js does them.
 */
public final class TinyFaceDetector extends Net implements FaceDetector {
  public static final String MODEL_ID = "tiny-face-detector";
  public static final String WEIGHTS_NAME = "tiny_face_detector_model";
  public static final int DEFAULT_INPUT_SIZE = 416;
  public static final double DEFAULT_MIN_SCORE = 0.5;
  static final double IOU_THRESHOLD = 0.4;
  static final float[] MEAN_RGB = {117.001f, 114.697f, 97.404f};
  /** Anchor (width, height) in grid cells. */
  static final double[][] ANCHORS = {
    {1.603231, 2.094468}, {6.041143, 7.080126}, {2.882459, 3.518061}, {4.266906, 5.178857},
    {9.041765, 10.66308}
  };
  /**
   * Images per forward pass: one. An image's activations take up to 11 MB at 416x416 a layer,
   * which the allocator recycles; a batch of 8 takes over 32 MB, glibc's ceiling for recycling,
   * so every pass mapped and page-faulted it fresh from the kernel (perf on celeba-dev: kernel
   * time as large as user time) for no gain in the convolutions' speed.
   */
  private static final int MAX_BATCH = 1;

  private final int inputSize;

  private TinyFaceDetector(ModelWeights weights, Device device, int inputSize) {
    super(MODEL_ID, weights, device, manager -> buildBlock(weights, manager, inputSize));
    this.inputSize = inputSize;
  }

  /** Reads the TF.js manifest and shards from {@code modelsDir}. */
  public static ModelWeights readWeights(Path modelsDir) throws IOException {
    return new ModelWeights(MODEL_ID, TfjsWeights.read(modelsDir, WEIGHTS_NAME));
  }

  /** Builds the network with the default 416x416 input. */
  public static TinyFaceDetector create(ModelWeights weights, Device device) {
    return create(weights, device, DEFAULT_INPUT_SIZE);
  }

  /** Builds the network; {@code inputSize} a multiple of 32 (224, 320, 416, 608...). */
  public static TinyFaceDetector create(ModelWeights weights, Device device, int inputSize) {
    weights.requireModel(MODEL_ID);
    if (inputSize <= 0 || inputSize % 32 != 0) {
      throw new IllegalArgumentException("Tiny Face Detector input size must be a positive "
          + "multiple of 32, not " + inputSize);
    }
    return new TinyFaceDetector(weights, device, inputSize);
  }

  @Override
  public String modelId() {
    return MODEL_ID;
  }

  public int inputSize() {
    return inputSize;
  }

  @Override
  public double defaultMinScore() {
    return DEFAULT_MIN_SCORE;
  }

  @Override
  public List<List<Detection>> detect(List<RgbImage> images, double minScore) {
    List<float[]> raw = forward(images);
    List<List<Detection>> out = new ArrayList<>(images.size());
    for (int i = 0; i < images.size(); i++) {
      RgbImage img = images.get(i);
      out.add(decode(raw.get(i), inputSize, img.width(), img.height(), minScore));
    }
    return out;
  }

  /** The raw output per image, {@code [cells][cells][5 anchors x 5]} (TF's NHWC order). */
  List<float[]> forward(List<RgbImage> images) {
    return predict(new TinyTranslator(inputSize), images, MAX_BATCH,
        "Tiny face detection");
  }

  // ---- preprocessing -----------------------------------------------------------------------

  static float[] resized(RgbImage img, int inputSize) {
    return NetInputs.squareResize(img, 0, 0, img.width(), img.height(), false, inputSize);
  }

  /** {@code (v - mean) / 256} in float32. */
  static float normalize(float v, int channel) {
    return (v - MEAN_RGB[channel]) / 256f;
  }

  private static final class TinyTranslator implements Translator<RgbImage, float[]> {
    private final int inputSize;

    TinyTranslator(int inputSize) {
      this.inputSize = inputSize;
    }

    @Override
    public NDList processInput(TranslatorContext ctx, RgbImage img) {
      float[] chw = NetInputs.toChw(resized(img, inputSize), inputSize,
          TinyFaceDetector::normalize);
      return new NDList(ctx.getNDManager().create(chw, new Shape(3, inputSize, inputSize)));
    }

    @Override
    public float[] processOutput(TranslatorContext ctx, NDList list) {
      // CHW -> HWC: cells row by row, then anchor x (tx, ty, tw, th, score)
      return list.singletonOrThrow().transpose(1, 2, 0).toFloatArray();
    }

    @Override
    public Batchifier getBatchifier() {
      return Batchifier.STACK;
    }
  }

  // ---- decoding ----------------------------------------------------------------------------

  /**
   * face-api.js's {@code extractBoxes}, NMS and pixel mapping, in double: candidates in order
   * row, column, anchor with {@code sigmoid(score) > minScore}; centre {@code (col +
   * sigmoid(tx)) / cells} and size {@code exp(tw) * anchor / cells}, both times {@code inputSize /
   * rw} (the rounded resized size); boxes are not clipped.
   */
  static List<Detection> decode(float[] out, int inputSize, int width, int height,
      double minScore) {
    int cells = (int) Math.round(Math.sqrt(out.length / 25.0));
    int[] reshaped = NetInputs.reshapedSize(width, height, inputSize);
    double cfX = (double) inputSize / reshaped[0];
    double cfY = (double) inputSize / reshaped[1];
    List<double[]> boxes = new ArrayList<>(); // relative x, y, w, h
    List<Double> scores = new ArrayList<>();
    for (int row = 0; row < cells; row++) {
      for (int col = 0; col < cells; col++) {
        for (int a = 0; a < ANCHORS.length; a++) {
          int o = ((row * cells + col) * ANCHORS.length + a) * 5;
          double score = sigmoid(out[o + 4]);
          if (score > minScore) {
            double ctX = ((col + sigmoid(out[o])) / cells) * cfX;
            double ctY = ((row + sigmoid(out[o + 1])) / cells) * cfY;
            double w = ((StrictMath.exp(out[o + 2]) * ANCHORS[a][0]) / cells) * cfX;
            double h = ((StrictMath.exp(out[o + 3]) * ANCHORS[a][1]) / cells) * cfY;
            double x = ctX - w / 2;
            double y = ctY - h / 2;
            // BoundingBox(left, top, right, bottom) keeps right - left, not w
            boxes.add(new double[] {x, y, (x + w) - x, (y + h) - y});
            scores.add(score);
          }
        }
      }
    }
    List<Detection> dets = new ArrayList<>();
    double rw = 1.0 / width;
    double rh = 1.0 / height;
    for (int idx : nms(boxes, scores, inputSize, IOU_THRESHOLD)) {
      double[] b = boxes.get(idx);
      // ObjectDetection scales to pixels, FaceDetection goes back to relative and scales again
      dets.add(new Detection(b[0] * width * rw * width, b[1] * height * rh * height,
          b[2] * width * rw * width, b[3] * height * rh * height, scores.get(idx),
          Detection.Source.TINY_FACE_DETECTOR));
    }
    return dets;
  }

  /**
   * face-api.js's generic {@code nonMaxSuppression}: ascending stable sort by score, take the
   * last (best; of equal scores the later candidate), drop the rest whose IoU with it is above
   * the threshold, repeat. IoU on boxes scaled by the input size.
   */
  static List<Integer> nms(List<double[]> boxes, List<Double> scores, int inputSize,
      double iouThreshold) {
    List<double[]> scaled = new ArrayList<>(boxes.size());
    for (double[] b : boxes) {
      scaled.add(new double[] {b[0] * inputSize, b[1] * inputSize, b[2] * inputSize,
          b[3] * inputSize});
    }
    List<Integer> order = new ArrayList<>();
    for (int i = 0; i < scores.size(); i++) {
      order.add(i);
    }
    order.sort(Comparator.comparingDouble(scores::get));
    List<Integer> pick = new ArrayList<>();
    while (!order.isEmpty()) {
      int curr = order.remove(order.size() - 1);
      pick.add(curr);
      List<Integer> keep = new ArrayList<>(order.size());
      for (int idx : order) {
        if (iou(scaled.get(curr), scaled.get(idx)) <= iouThreshold) {
          keep.add(idx);
        }
      }
      order = keep;
    }
    return pick;
  }

  private static double iou(double[] a, double[] b) {
    double w = Math.max(0.0, Math.min(a[0] + a[2], b[0] + b[2]) - Math.max(a[0], b[0]));
    double h = Math.max(0.0, Math.min(a[1] + a[3], b[1] + b[3]) - Math.max(a[1], b[1]));
    double inter = w * h;
    return inter / (a[2] * a[3] + b[2] * b[3] - inter);
  }

  private static double sigmoid(double x) {
    return 1 / (1 + StrictMath.exp(-x));
  }

  // ---- network -----------------------------------------------------------------------------

  static Block buildBlock(ModelWeights weights, NDManager manager, int inputSize) {
    TfLayers l = new TfLayers(weights);
    SequentialBlock net = new SequentialBlock()
        .add(l.conv("conv0/filters", 1, false, l.values("conv0/bias")))
        .add(leaky());
    for (int i = 1; i <= 5; i++) {
      // TF SAME 2x2/2 pooling pads the odd sizes at the end: PyTorch's ceil mode
      net.add(Pool.maxPool2dBlock(new Shape(2, 2), new Shape(2, 2), new Shape(0, 0), true));
      net.add(separable(l, "conv" + i));
    }
    // 2x2/1 SAME: one row and column of padding at the end, -inf so that it never wins
    net.add(LambdaBlock.singleton(x -> x.pad(new Shape(0, 1, 0, 1), Float.NEGATIVE_INFINITY)));
    net.add(Pool.maxPool2dBlock(new Shape(2, 2), new Shape(1, 1)));
    net.add(l.conv("conv8/filters", 1, false, l.values("conv8/bias")));
    net.initialize(manager, DataType.FLOAT32, new Shape(1, 3, inputSize, inputSize));
    l.load();
    return net;
  }

  /** Zero pad 1, depthwise 3x3 VALID, pointwise 1x1 + bias, leaky relu. */
  private static Block separable(TfLayers l, String prefix) {
    Tensor dw = l.weights().get(prefix + "/depthwise_filter");
    int c = dw.shape()[2];
    return new SequentialBlock()
        .add(l.conv(c, 3, 1, true, c, dw.hwioToOihw(), null))
        .add(l.conv(prefix + "/pointwise_filter", 1, false, l.values(prefix + "/bias")))
        .add(leaky());
  }

  /** face-api's leaky: {@code relu(x - 0.1x) + 0.1x}, i.e. slope 0.1 below zero. */
  private static Block leaky() {
    return Activation.leakyReluBlock(0.1f);
  }
}
