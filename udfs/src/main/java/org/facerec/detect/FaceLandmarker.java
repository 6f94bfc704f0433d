package org.facerec.detect;

import ai.djl.Device;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.Block;
import ai.djl.nn.Blocks;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.core.Linear;
import ai.djl.nn.pooling.Pool;
import ai.djl.translate.Batchifier;
import ai.djl.translate.Translator;
import ai.djl.translate.TranslatorContext;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import org.facerec.image.RgbImage;
import org.facerec.model.ModelWeights;
import org.facerec.model.Net;
import org.facerec.model.Tensor;
import org.facerec.model.TfjsWeights;

/**
 * face-api.js's 68-point landmark net ({@code face_landmark_68_model}) as DJL blocks, run on a
 * detected box.
 *
 * <p>Crop: the box in pixels, clipped to the image, then its x, y, width and height each floored
 * (face-api's {@code extractFaceTensors}); no resampling. Input: the crop zero-padded to a
 * centred square ({@code round(diff/2)} after, the rest before), resized to 112x112 with TF's
 * legacy bilinear kernel, {@code (v - mean) / 255}. Network: four dense blocks (a 3x3/2 conv or
 * separable conv, then three separable 3x3 convs, each fed the relu of the sum of all earlier
 * outputs of the block), a 7x7 average pool and a fully connected layer to 136 numbers, the 68
 * points in units of the padded square. Post-processing copies face-api.js's quirks: it assumes
 * the padding was split evenly (half a crop pixel off along the padded axis when the difference
 * is odd), and shifts the points by the detection's own origin, not the crop's floored, clipped
 * one.
 */
public final class FaceLandmarker extends Net {
  public static final String MODEL_ID = "face-landmark-68";
  public static final String WEIGHTS_NAME = "face_landmark_68_model";
  public static final int INPUT_SIZE = 112;
  static final float[] MEAN_RGB = {122.782f, 117.001f, 104.298f};
  private static final int MAX_BATCH = 32;

  private FaceLandmarker(ModelWeights weights, Device device) {
    super(MODEL_ID, weights, device, manager -> buildBlock(weights, manager));
  }

  /** Reads the TF.js manifest and shards from {@code modelsDir}. */
  public static ModelWeights readWeights(Path modelsDir) throws IOException {
    return new ModelWeights(MODEL_ID, TfjsWeights.read(modelsDir, WEIGHTS_NAME));
  }

  /** Builds the network on {@code device} (PyTorch engine) with {@code weights} loaded. */
  public static FaceLandmarker create(ModelWeights weights, Device device) {
    return new FaceLandmarker(weights, device);
  }

  /** The landmarks of the face in {@code box}, or null when the box misses the image. */
  public Landmarks detect(RgbImage image, Detection box) {
    return detect(List.of(image), List.of(box)).get(0);
  }

  /** The landmarks of each face in one image (one batch). */
  public List<Landmarks> detect(RgbImage image, List<Detection> boxes) {
    return detect(Collections.nCopies(boxes.size(), image), boxes);
  }

  /**
   * The landmarks of {@code boxes.get(i)} in {@code images.get(i)}, all through the network as
   * batches; null where a box misses its image.
   */
  public List<Landmarks> detect(List<RgbImage> images, List<Detection> boxes) {
    if (images.size() != boxes.size()) {
      throw new IllegalArgumentException(images.size() + " images but " + boxes.size() + " boxes");
    }
    List<Crop> crops = new ArrayList<>();
    List<Integer> where = new ArrayList<>();
    for (int i = 0; i < boxes.size(); i++) {
      RgbImage img = images.get(i);
      int[] c = cropBox(boxes.get(i), img.width(), img.height());
      if (c != null) {
        crops.add(new Crop(img, c));
        where.add(i);
      }
    }
    List<float[]> raw = forward(crops);
    Landmarks[] out = new Landmarks[boxes.size()];
    for (int k = 0; k < raw.size(); k++) {
      int i = where.get(k);
      out[i] = postProcess(raw.get(k), crops.get(k).box(), boxes.get(i));
    }
    return Arrays.asList(out);
  }

  /** The raw 136 outputs for each crop. */
  List<float[]> forward(List<Crop> crops) {
    return predict(new LandmarkTranslator(), crops, MAX_BATCH, "landmarks");
  }

  /** A face crop: the image and the integer box {@code x, y, w, h} the net sees. */
  record Crop(RgbImage image, int[] box) {}

  // ---- crop and preprocessing --------------------------------------------------------------

  /**
   * face-api's crop of a detection: {@code forSize(W, H)} (through relative coordinates and
   * back), clipped at the image borders, each of x, y, w, h floored. Null when nothing is left.
   */
  static int[] cropBox(Detection det, int width, int height) {
    double rw = 1.0 / width;
    double rh = 1.0 / height;
    double x = det.x() * rw * width;
    double y = det.y() * rh * height;
    double w = det.width() * rw * width;
    double h = det.height() * rh * height;
    double x0 = Math.max(x, 0);
    double y0 = Math.max(y, 0);
    double cw = Math.min(x + w - x0, width - x0);
    double ch = Math.min(y + h - y0, height - y0);
    int[] box = {(int) Math.floor(x0), (int) Math.floor(y0), (int) Math.floor(cw),
        (int) Math.floor(ch)};
    if (box[2] <= 0 || box[3] <= 0 || box[0] >= width || box[1] >= height) {
      return null;
    }
    return box;
  }

  static float[] resized(RgbImage img, int[] box) {
    return NetInputs.squareResize(img, box[0], box[1], box[2], box[3], true, INPUT_SIZE);
  }

  /** {@code (v - mean) / 255} in float32. */
  static float normalize(float v, int channel) {
    return (v - MEAN_RGB[channel]) / 255f;
  }

  private static final class LandmarkTranslator implements Translator<Crop, float[]> {
    @Override
    public NDList processInput(TranslatorContext ctx, Crop crop) {
      float[] chw = NetInputs.toChw(resized(crop.image(), crop.box()), INPUT_SIZE,
          FaceLandmarker::normalize);
      return new NDList(ctx.getNDManager().create(chw, new Shape(3, INPUT_SIZE, INPUT_SIZE)));
    }

    @Override
    public float[] processOutput(TranslatorContext ctx, NDList list) {
      return list.singletonOrThrow().toFloatArray();
    }

    @Override
    public Batchifier getBatchifier() {
      return Batchifier.STACK;
    }
  }

  /**
   * face-api.js's {@code postProcess} (float32 tensor ops) and the shift into image pixels
   * (float64, the way {@code FaceLandmarks.shiftBy} computes it), op by op.
   */
  static Landmarks postProcess(float[] out, int[] crop, Detection det) {
    int w = crop[2];
    int h = crop[3];
    double scale = (double) INPUT_SIZE / Math.max(h, w);
    double sw = w * scale;
    double sh = h * scale;
    float padX = (float) (sw < sh ? Math.abs(sw - sh) / 2 : 0);
    float padY = (float) (sh < sw ? Math.abs(sw - sh) / 2 : 0);
    float fsw = (float) sw;
    float fsh = (float) sh;
    double[] xy = new double[2 * Landmarks.COUNT];
    for (int i = 0; i < Landmarks.COUNT; i++) {
      float relX = (out[2 * i] * INPUT_SIZE - padX) / fsw;
      float relY = (out[2 * i + 1] * INPUT_SIZE - padY) / fsh;
      double px = relX * (double) w + 0;
      double py = relY * (double) h + 0;
      xy[2 * i] = ((px - 0) / w) * w + det.x();
      xy[2 * i + 1] = ((py - 0) / h) * h + det.y();
    }
    return new Landmarks(xy);
  }

  // ---- network -----------------------------------------------------------------------------

  static Block buildBlock(ModelWeights weights, NDManager manager) {
    TfLayers l = new TfLayers(weights);
    Linear fc = Linear.builder().setUnits(136).build();
    SequentialBlock net = new SequentialBlock()
        .add(denseBlock(l, "dense0", true))
        .add(denseBlock(l, "dense1", false))
        .add(denseBlock(l, "dense2", false))
        .add(denseBlock(l, "dense3", false))
        .add(Pool.avgPool2dBlock(new Shape(7, 7), new Shape(2, 2)))
        .add(Blocks.batchFlattenBlock())
        .add(fc);
    net.initialize(manager, DataType.FLOAT32, new Shape(1, 3, INPUT_SIZE, INPUT_SIZE));
    l.load();
    Tensor fw = weights.get("fc/weights"); // [256,136], x . W; Linear holds [out,in]
    fc.getParameters().get("weight").getArray().set(transpose(fw.values(), 256, 136));
    fc.getParameters().get("bias").getArray().set(weights.get("fc/bias").values());
    return net;
  }

  /**
   * face-api's {@code denseBlock4}: {@code o1 = relu(conv0(x))}, {@code o2 = c1(o1)},
   * {@code o3 = c2(relu(o1 + o2))}, {@code o4 = c3(relu(o1 + o2 + o3))}, out
   * {@code relu(o1 + o2 + o3 + o4)}. As a chain: keep the running sum s and add
   * {@code c_k(relu(s))} to it ({@code relu(o1) = o1}), then a final relu.
   */
  private static Block denseBlock(TfLayers l, String prefix, boolean first) {
    Block conv0 = first
        ? l.conv(prefix + "/conv0/filters", 2, true, l.values(prefix + "/conv0/bias"))
        : separable(l, prefix + "/conv0", 2);
    SequentialBlock block = new SequentialBlock().add(conv0).add(Activation.reluBlock());
    for (int k = 1; k <= 3; k++) {
      block.add(TfLayers.residual(new SequentialBlock()
          .add(Activation.reluBlock())
          .add(separable(l, prefix + "/conv" + k, 1))));
    }
    return block.add(Activation.reluBlock());
  }

  /** Depthwise 3x3 SAME (no bias), pointwise 1x1 + bias. */
  private static Block separable(TfLayers l, String prefix, int stride) {
    Tensor dw = l.weights().get(prefix + "/depthwise_filter");
    int c = dw.shape()[2];
    return new SequentialBlock()
        .add(l.conv(c, 3, stride, true, c, dw.hwioToOihw(), null))
        .add(l.conv(prefix + "/pointwise_filter", 1, true, l.values(prefix + "/bias")));
  }

  private static float[] transpose(float[] m, int rows, int cols) {
    float[] t = new float[m.length];
    for (int r = 0; r < rows; r++) {
      for (int c = 0; c < cols; c++) {
        t[c * rows + r] = m[r * cols + c];
      }
    }
    return t;
  }
}
