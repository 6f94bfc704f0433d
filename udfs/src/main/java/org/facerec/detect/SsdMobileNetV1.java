package org.facerec.detect;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.Block;
import ai.djl.nn.LambdaBlock;
import ai.djl.nn.ParallelBlock;
import ai.djl.nn.SequentialBlock;
import ai.djl.translate.Batchifier;
import ai.djl.translate.Translator;
import ai.djl.translate.TranslatorContext;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import org.facerec.image.RgbImage;
import org.facerec.model.ModelWeights;
import org.facerec.model.Net;
import org.facerec.model.Tensor;
import org.facerec.model.TfjsWeights;

/**
 * face-api.js's SSD MobileNet V1 face detector (the accurate one) as DJL blocks, with the weights
 * {@code @vladmandic/face-api} ships ({@code ssd_mobilenetv1_model}).
 *
 * <p>Input: the image padded with zeros at the right or bottom to a square, resized to 512x512
 * with TF's legacy bilinear kernel, {@code v * float32(2/255) - 1}. Network: MobileNet V1
 * (conv 3x3/2, then 13 depthwise 3x3 + batch norm + relu6 / pointwise 1x1 + relu6 pairs, stride 2
 * at pairs 2, 4, 6, 12), four extra 1x1 + 3x3/2 pairs, and six 1x1 box/class predictors on the
 * 32x32 (pair 11), 16x16, 8x8, 4x4, 2x2 and 1x1 maps: 5118 anchors. Box decoding (TF's
 * faster-RCNN coder, scales 10, 10, 5, 5), sigmoid scores and NMS (IoU 0.5, at most 100) run in
 * Java in float32 exactly as face-api.js's tensor ops do, so boxes match it to the last bit given
 * the same raw outputs. Batch norm is folded into the depthwise filters when loading.
 */
public final class SsdMobileNetV1 extends Net implements FaceDetector {
  public static final String MODEL_ID = "ssd-mobilenet-v1";
  public static final String WEIGHTS_NAME = "ssd_mobilenetv1_model";
  public static final int INPUT_SIZE = 512;
  public static final int ANCHORS = 5118;
  public static final double DEFAULT_MIN_SCORE = 0.5;
  public static final int MAX_RESULTS = 100;
  static final double IOU_THRESHOLD = 0.5;
  /** float32(2/255), the scale face-api.js multiplies the 0..255 input by. */
  static final float INPUT_SCALE = 0.007843137718737125f;
  private static final double BN_EPSILON = 0.0010000000474974513;
  /**
   * Images per forward pass: one. An image's activations take up to 8 MB at 512x512 a layer,
   * which the allocator recycles; a batch of 8 takes over 32 MB, glibc's ceiling for recycling,
   * so every pass mapped and page-faulted it fresh from the kernel (perf on celeba-dev: kernel
   * time as large as user time) for no gain in the convolutions' speed.
   */
  private static final int MAX_BATCH = 1;

  private final float[] anchors;

  private SsdMobileNetV1(ModelWeights weights, Device device) {
    super(MODEL_ID, weights, device, manager -> buildBlock(weights, manager));
    this.anchors = weights.get("Output/extra_dim").values().clone();
  }

  /** Reads the TF.js manifest and shards from {@code modelsDir}. */
  public static ModelWeights readWeights(Path modelsDir) throws IOException {
    return new ModelWeights(MODEL_ID, TfjsWeights.read(modelsDir, WEIGHTS_NAME));
  }

  /** Builds the network on {@code device} (PyTorch engine) with {@code weights} loaded. */
  public static SsdMobileNetV1 create(ModelWeights weights, Device device) {
    return new SsdMobileNetV1(weights, device);
  }

  @Override
  public String modelId() {
    return MODEL_ID;
  }

  @Override
  public double defaultMinScore() {
    return DEFAULT_MIN_SCORE;
  }

  /** The prior boxes {@code [5118][ymin, xmin, ymax, xmax]} flattened (weight Output/extra_dim). */
  float[] anchors() {
    return anchors;
  }

  @Override
  public List<List<Detection>> detect(List<RgbImage> images, double minScore) {
    List<Raw> raw = forward(images);
    List<List<Detection>> out = new ArrayList<>(images.size());
    for (int i = 0; i < images.size(); i++) {
      Decoded d = decode(raw.get(i), anchors);
      RgbImage img = images.get(i);
      out.add(toDetections(d, nms(d, MAX_RESULTS, IOU_THRESHOLD, minScore), img.width(),
          img.height()));
    }
    return out;
  }

  /** The raw box encodings and class logits for each image, batched through the network. */
  List<Raw> forward(List<RgbImage> images) {
    return predict(new SsdTranslator(), images, MAX_BATCH, "SSD detection");
  }

  // ---- preprocessing -----------------------------------------------------------------------

  /** The network input for {@code img}, HWC like face-api's tensor (0..255 resized values). */
  static float[] resized(RgbImage img) {
    return NetInputs.squareResize(img, 0, 0, img.width(), img.height(), false, INPUT_SIZE);
  }

  /** {@code v * float32(2/255) - 1}, in float32 as tfjs does it. */
  static float normalize(float v, int channel) {
    return v * INPUT_SCALE - 1f;
  }

  private static final class SsdTranslator implements Translator<RgbImage, Raw> {
    @Override
    public NDList processInput(TranslatorContext ctx, RgbImage img) {
      float[] chw = NetInputs.toChw(resized(img), INPUT_SIZE, SsdMobileNetV1::normalize);
      return new NDList(ctx.getNDManager().create(chw, new Shape(3, INPUT_SIZE, INPUT_SIZE)));
    }

    @Override
    public Raw processOutput(TranslatorContext ctx, NDList list) {
      return new Raw(list.get(0).toFloatArray(), list.get(1).toFloatArray());
    }

    @Override
    public Batchifier getBatchifier() {
      return Batchifier.STACK;
    }
  }

  /** Raw network outputs of one image: {@code [5118][ty,tx,th,tw]} and {@code [5118][3]} logits. */
  record Raw(float[] boxEncodings, float[] classLogits) {}

  /** Decoded boxes {@code [5118][ymin,xmin,ymax,xmax]} (relative, unclipped) and scores. */
  record Decoded(float[] boxes, float[] scores) {}

  // ---- decoding ----------------------------------------------------------------------------

  /**
   * face-api.js's {@code outputLayer}: the faster-RCNN box coder and a sigmoid on the face logit,
   * float32 op by op in tfjs's order; {@code exp} in double rounded to float, like
   * {@code Math.exp} on a Float32Array.
   */
  static Decoded decode(Raw raw, float[] anchors) {
    float[] enc = raw.boxEncodings();
    float[] logits = raw.classLogits();
    int n = enc.length / 4;
    float[] boxes = new float[4 * n];
    float[] scores = new float[n];
    for (int i = 0; i < n; i++) {
      int a = 4 * i;
      float ha = anchors[a + 2] - anchors[a];
      float wa = anchors[a + 3] - anchors[a + 1];
      float yca = anchors[a] + ha / 2f;
      float xca = anchors[a + 1] + wa / 2f;
      float hh = (float) StrictMath.exp(enc[a + 2] / 5f) * ha / 2f;
      float yc = enc[a] / 10f * ha + yca;
      float hw = (float) StrictMath.exp(enc[a + 3] / 5f) * wa / 2f;
      float xc = enc[a + 1] / 10f * wa + xca;
      boxes[a] = yc - hh;
      boxes[a + 1] = xc - hw;
      boxes[a + 2] = yc + hh;
      boxes[a + 3] = xc + hw;
      scores[i] = (float) (1.0 / (1.0 + StrictMath.exp(-(double) logits[3 * i + 1])));
    }
    return new Decoded(boxes, scores);
  }

  /**
   * face-api.js's SSD {@code nonMaxSuppression}: candidates scoring strictly above
   * {@code minScore}, by descending score (stable: ties keep anchor order), each kept unless its
   * IoU with an already kept box is above {@code iouThreshold}; at most {@code maxResults}.
   */
  static int[] nms(Decoded d, int maxResults, double iouThreshold, double minScore) {
    float[] scores = d.scores();
    List<Integer> candidates = new ArrayList<>();
    for (int i = 0; i < scores.length; i++) {
      if (scores[i] > minScore) {
        candidates.add(i);
      }
    }
    // List.sort is a stable merge sort, like V8's Array.prototype.sort.
    candidates.sort(Comparator.comparingDouble((Integer i) -> scores[i]).reversed());
    int limit = Math.min(maxResults, scores.length);
    int[] selected = new int[limit];
    int count = 0;
    for (int c : candidates) {
      if (count >= limit) {
        break;
      }
      boolean keep = true;
      for (int j = count - 1; j >= 0; j--) {
        double iou = iou(d.boxes(), c, selected[j]);
        if (iou > iouThreshold) {
          keep = false;
          break;
        }
      }
      if (keep) {
        selected[count++] = c;
      }
    }
    return Arrays.copyOf(selected, count);
  }

  private static double iou(float[] b, int i, int j) {
    int p = 4 * i;
    int q = 4 * j;
    double yminI = Math.min(b[p], b[p + 2]);
    double xminI = Math.min(b[p + 1], b[p + 3]);
    double ymaxI = Math.max(b[p], b[p + 2]);
    double xmaxI = Math.max(b[p + 1], b[p + 3]);
    double yminJ = Math.min(b[q], b[q + 2]);
    double xminJ = Math.min(b[q + 1], b[q + 3]);
    double ymaxJ = Math.max(b[q], b[q + 2]);
    double xmaxJ = Math.max(b[q + 1], b[q + 3]);
    double areaI = (ymaxI - yminI) * (xmaxI - xminI);
    double areaJ = (ymaxJ - yminJ) * (xmaxJ - xminJ);
    if (areaI <= 0 || areaJ <= 0) {
      return 0.0;
    }
    double inter = Math.max(Math.min(ymaxI, ymaxJ) - Math.max(yminI, yminJ), 0.0)
        * Math.max(Math.min(xmaxI, xmaxJ) - Math.max(xminI, xminJ), 0.0);
    return inter / (areaI + areaJ - inter);
  }

  /**
   * Relative boxes of the padded square to image pixels, as face-api.js does it: clipped to
   * [0, 1] of the square (so a box may reach into the padding, past the image's edge), scaled by
   * {@code 512 / rw} with the rounded resized size {@code rw} (not {@code W/S}), then by the image
   * size.
   */
  static List<Detection> toDetections(Decoded d, int[] indices, int width, int height) {
    int[] reshaped = NetInputs.reshapedSize(width, height, INPUT_SIZE);
    double padX = (double) INPUT_SIZE / reshaped[0];
    double padY = (double) INPUT_SIZE / reshaped[1];
    float[] b = d.boxes();
    List<Detection> out = new ArrayList<>(indices.length);
    for (int idx : indices) {
      double top = Math.max(0, (double) b[4 * idx]) * padY;
      double bottom = Math.min(1.0, (double) b[4 * idx + 2]) * padY;
      double left = Math.max(0, (double) b[4 * idx + 1]) * padX;
      double right = Math.min(1.0, (double) b[4 * idx + 3]) * padX;
      out.add(new Detection(left * width, top * height, (right - left) * width,
          (bottom - top) * height, d.scores()[idx], Detection.Source.SSD_MOBILENET_V1));
    }
    return out;
  }

  // ---- network -----------------------------------------------------------------------------

  /** The network: NCHW 512x512 in; {@code [N,5118,4]} encodings, {@code [N,5118,3]} logits out. */
  static Block buildBlock(ModelWeights weights, NDManager manager) {
    TfLayers l = new TfLayers(weights);
    SequentialBlock upTo11 = new SequentialBlock().add(pointwise(l, "MobilenetV1/Conv2d_0", 2));
    for (int i = 1; i <= 11; i++) {
      upTo11.add(pair(l, i));
    }
    SequentialBlock extras5 = new SequentialBlock()
        .add(pointwise(l, "Prediction/Conv2d_6", 1)).add(pointwise(l, "Prediction/Conv2d_7", 2));
    SequentialBlock extras4 = new SequentialBlock()
        .add(pointwise(l, "Prediction/Conv2d_4", 1)).add(pointwise(l, "Prediction/Conv2d_5", 2))
        .add(TfLayers.tap(extras5));
    SequentialBlock extras3 = new SequentialBlock()
        .add(pointwise(l, "Prediction/Conv2d_2", 1)).add(pointwise(l, "Prediction/Conv2d_3", 2))
        .add(TfLayers.tap(extras4));
    SequentialBlock extras2 = new SequentialBlock()
        .add(pointwise(l, "Prediction/Conv2d_0", 1)).add(pointwise(l, "Prediction/Conv2d_1", 2))
        .add(TfLayers.tap(extras3));
    SequentialBlock from11 = new SequentialBlock().add(pair(l, 12)).add(pair(l, 13))
        .add(TfLayers.tap(extras2));
    // -> [conv11 (32x32), conv13 (16x16), 8x8, 4x4, 2x2, 1x1]
    upTo11.add(TfLayers.tap(from11));

    List<Block> heads = new ArrayList<>();
    for (int i = 0; i < 6; i++) {
      heads.add(boxPredictor(l, i));
    }
    SequentialBlock net = new SequentialBlock()
        .add(upTo11)
        .add(new ParallelBlock(SsdMobileNetV1::concatHeads, heads));
    net.initialize(manager, DataType.FLOAT32, new Shape(1, 3, INPUT_SIZE, INPUT_SIZE));
    l.load();
    return net;
  }

  /** TF conv (SAME) + per-channel offset + relu6: face-api's {@code pointwiseConvLayer}. */
  private static Block pointwise(TfLayers l, String prefix, int stride) {
    Block conv = l.conv(prefix + "_pointwise/weights", stride, true,
        l.values(prefix + "_pointwise/convolution_bn_offset"));
    return new SequentialBlock().add(conv).add(Activation.relu6Block());
  }

  /** Depthwise 3x3 + batch norm + relu6, then pointwise. */
  private static Block pair(TfLayers l, int i) {
    String p = "MobilenetV1/Conv2d_" + i + "_depthwise";
    int stride = i == 2 || i == 4 || i == 6 || i == 12 ? 2 : 1;
    float[] gamma = l.values(p + "/BatchNorm/gamma");
    float[] beta = l.values(p + "/BatchNorm/beta");
    float[] mean = l.values(p + "/BatchNorm/moving_mean");
    float[] var = l.values(p + "/BatchNorm/moving_variance");
    int c = gamma.length;
    // (conv(x) - mean) * gamma / sqrt(var + eps) + beta  ==  conv_{W*s}(x) + (beta - mean*s)
    float[] scale = new float[c];
    float[] bias = new float[c];
    for (int k = 0; k < c; k++) {
      double s = gamma[k] / Math.sqrt((double) var[k] + BN_EPSILON);
      scale[k] = (float) s;
      bias[k] = (float) (beta[k] - mean[k] * s);
    }
    Tensor f = l.weights().get(p + "/depthwise_weights");
    float[] filters = TfLayers.foldScale(f.hwioToOihw(), c, scale);
    Block dw = l.conv(c, 3, stride, true, c, filters, bias);
    return new SequentialBlock().add(dw).add(Activation.relu6Block())
        .add(pointwise(l, "MobilenetV1/Conv2d_" + i, 1));
  }

  /** Box predictor {@code i} on feature map {@code i}: 1x1 convs, NCHW -> [N, H*W*A, 4 | 3]. */
  private static Block boxPredictor(TfLayers l, int i) {
    String p = "Prediction/BoxPredictor_" + i;
    Block enc = new SequentialBlock()
        .add(l.conv(p + "/BoxEncodingPredictor/weights", 1, true,
            l.values(p + "/BoxEncodingPredictor/biases")))
        .add(LambdaBlock.singleton(x -> anchorsLast(x, 4)));
    Block cls = new SequentialBlock()
        .add(l.conv(p + "/ClassPredictor/weights", 1, true, l.values(p + "/ClassPredictor/biases")))
        .add(LambdaBlock.singleton(x -> anchorsLast(x, 3)));
    return new SequentialBlock()
        .add(new LambdaBlock(list -> new NDList(list.get(i))))
        .add(new ParallelBlock(branches -> new NDList(branches.get(0).singletonOrThrow(),
            branches.get(1).singletonOrThrow()), List.of(enc, cls)));
  }

  /** NCHW with C = anchors*k to [N, H*W*anchors, k] in TF's order (row, column, anchor). */
  private static NDArray anchorsLast(NDArray x, int k) {
    return x.transpose(0, 2, 3, 1).reshape(new Shape(x.getShape().get(0), -1, k));
  }

  private static NDList concatHeads(List<NDList> heads) {
    NDList enc = new NDList();
    NDList cls = new NDList();
    for (NDList h : heads) {
      enc.add(h.get(0));
      cls.add(h.get(1));
    }
    return new NDList(NDArrays.concat(enc, 1), NDArrays.concat(cls, 1));
  }
}
