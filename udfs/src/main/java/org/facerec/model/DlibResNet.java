package org.facerec.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.Block;
import ai.djl.nn.LambdaBlock;
import ai.djl.nn.ParallelBlock;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.core.Linear;
import ai.djl.nn.pooling.Pool;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * dlib's {@code dlib_face_recognition_resnet_model_v1} (ResNet-29, 150x150 RGB in, 128-d out, not
 * normalised) as DJL blocks, with the weights face-api.js ships as TF.js files.
 *
 * <p>Each conv unit of the original computes {@code (conv(x) + bias) * scale + shift}; we fold the
 * per-channel scale and shift into the convolution's filters and bias when loading, which leaves
 * one convolution per unit (same function, fewer passes over the activations).
 */
public final class DlibResNet {
  public static final String WEIGHTS_NAME = "face_recognition_model";

  private static final String[] STAGES = {
    "conv32_1", "conv32_2", "conv32_3",
    "conv64_down", "conv64_1", "conv64_2", "conv64_3",
    "conv128_down", "conv128_1", "conv128_2",
    "conv256_down", "conv256_1", "conv256_2",
    "conv256_down_out"
  };

  private DlibResNet() {}

  /** Reads the TF.js manifest and shards from {@code modelsDir}. */
  public static ModelWeights readWeights(String modelId, Path modelsDir) throws IOException {
    return new ModelWeights(modelId, TfjsWeights.read(modelsDir, WEIGHTS_NAME));
  }

  /** Builds the network and loads {@code weights} into it. Input: normalised NCHW 150x150. */
  public static Block create(ModelWeights weights, NDManager manager) {
    Map<String, Conv2d> convs = new LinkedHashMap<>();
    SequentialBlock net = new SequentialBlock();
    net.add(conv(convs, "conv32_down", 7, 2, 0));
    net.add(Activation.reluBlock());
    net.add(Pool.maxPool2dBlock(new Shape(3, 3), new Shape(2, 2)));
    for (String stage : STAGES) {
      net.add(stage.contains("down") ? downBlock(convs, stage) : residualBlock(convs, stage));
    }
    net.add(Pool.globalAvgPool2dBlock());
    Linear fc = Linear.builder().setUnits(128).optBias(false).build();
    net.add(fc);

    net.initialize(manager, DataType.FLOAT32, new Shape(1, 3, 150, 150));
    for (Map.Entry<String, Conv2d> e : convs.entrySet()) {
      loadConvUnit(e.getValue(), weights, e.getKey());
    }
    Tensor fcw = weights.get("fc"); // [256,128], applied as x . fc; Linear holds [out,in]
    fc.getParameters().get("weight").getArray().set(transpose(fcw.values(), 256, 128));
    return net;
  }

  private static Conv2d conv(Map<String, Conv2d> convs, String prefix, int k, int stride, int pad) {
    Conv2d c = Conv2d.builder()
        .setKernelShape(new Shape(k, k))
        .optStride(new Shape(stride, stride))
        .optPadding(new Shape(pad, pad))
        .setFilters(filtersOf(prefix))
        .build();
    convs.put(prefix, c);
    return c;
  }

  private static int filtersOf(String prefix) {
    String digits = prefix.replaceAll("^conv(\\d+).*$", "$1");
    return Integer.parseInt(digits);
  }

  /** relu(conv2(relu(conv1(x))) + x), 3x3 stride 1 SAME. */
  private static Block residualBlock(Map<String, Conv2d> convs, String stage) {
    SequentialBlock branch = new SequentialBlock()
        .add(conv(convs, stage + "/conv1", 3, 1, 1))
        .add(Activation.reluBlock())
        .add(conv(convs, stage + "/conv2", 3, 1, 1));
    return new ParallelBlock(DlibResNet::addAndRelu, List.of(branch, LambdaBlock.singleton(x -> x)));
  }

  /**
   * conv1 3x3 stride 2 VALID + relu, conv2 3x3 SAME; shortcut = 2x2/2 average pool with zero
   * channels appended when the channels double; where the spatial sizes differ, the conv branch is
   * zero-padded at the bottom and right.
   */
  private static Block downBlock(Map<String, Conv2d> convs, String stage) {
    SequentialBlock branch = new SequentialBlock()
        .add(conv(convs, stage + "/conv1", 3, 2, 0))
        .add(Activation.reluBlock())
        .add(conv(convs, stage + "/conv2", 3, 1, 1));
    Block shortcut = Pool.avgPool2dBlock(new Shape(2, 2), new Shape(2, 2));
    return new ParallelBlock(DlibResNet::addAndRelu, List.of(branch, shortcut));
  }

  private static NDList addAndRelu(List<NDList> branches) {
    NDArray out = branches.get(0).singletonOrThrow();
    NDArray shortcut = branches.get(1).singletonOrThrow();
    long padH = shortcut.getShape().get(2) - out.getShape().get(2);
    long padW = shortcut.getShape().get(3) - out.getShape().get(3);
    if (padH != 0 || padW != 0) {
      out = out.pad(new Shape(0, padW, 0, padH), 0);
    }
    long extraChannels = out.getShape().get(1) - shortcut.getShape().get(1);
    if (extraChannels > 0) {
      Shape s = shortcut.getShape();
      shortcut = shortcut.concat(shortcut.getManager().zeros(
          new Shape(s.get(0), extraChannels, s.get(2), s.get(3)), shortcut.getDataType()), 1);
    }
    return new NDList(Activation.relu(out.add(shortcut)));
  }

  /** (conv(x) + b) * s + t  ==  conv_{W*s}(x) + (b*s + t), folded per output channel. */
  private static void loadConvUnit(Conv2d conv, ModelWeights w, String prefix) {
    Tensor filters = w.get(prefix + "/conv/filters");
    float[] bias = w.get(prefix + "/conv/bias").values();
    float[] scale = w.get(prefix + "/scale/weights").values();
    float[] shift = w.get(prefix + "/scale/biases").values();
    float[] oihw = filters.hwioToOihw();
    int out = filters.shape()[3];
    int perOut = oihw.length / out;
    float[] foldedBias = new float[out];
    for (int o = 0; o < out; o++) {
      for (int i = 0; i < perOut; i++) {
        oihw[o * perOut + i] *= scale[o];
      }
      foldedBias[o] = bias[o] * scale[o] + shift[o];
    }
    conv.getParameters().get("weight").getArray().set(oihw);
    conv.getParameters().get("bias").getArray().set(foldedBias);
  }

  static float[] transpose(float[] m, int rows, int cols) {
    float[] t = new float[m.length];
    for (int r = 0; r < rows; r++) {
      for (int c = 0; c < cols; c++) {
        t[c * rows + r] = m[r * cols + c];
      }
    }
    return t;
  }

  /** Multiply-adds of one forward pass at 150x150, from the layer shapes (for benchmarks). */
  public static long flopsPerImage() {
    List<long[]> convs = new ArrayList<>(); // {outH, outW, cin, cout, k}
    long s = (150 - 7) / 2 + 1; // 72
    convs.add(new long[] {s, s, 3, 32, 7});
    s = (s - 3) / 2 + 1; // 35 after max pool
    long c = 32;
    for (String stage : STAGES) {
      long cout = filtersOf(stage);
      if (stage.contains("down")) {
        long o = (s - 3) / 2 + 1;
        convs.add(new long[] {o, o, c, cout, 3});
        convs.add(new long[] {o, o, cout, cout, 3});
        s = s / 2; // the shortcut's (pooled) size, which the sum keeps
      } else {
        convs.add(new long[] {s, s, c, cout, 3});
        convs.add(new long[] {s, s, cout, cout, 3});
      }
      c = cout;
    }
    long macs = 256L * 128;
    for (long[] v : convs) {
      macs += v[0] * v[1] * v[2] * v[3] * v[4] * v[4];
    }
    return 2 * macs;
  }
}
