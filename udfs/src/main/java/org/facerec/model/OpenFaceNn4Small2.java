package org.facerec.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.Block;
import ai.djl.nn.Blocks;
import ai.djl.nn.LambdaBlock;
import ai.djl.nn.ParallelBlock;
import ai.djl.nn.Parameter;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.BatchNorm;
import ai.djl.nn.pooling.Pool;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * OpenFace nn4.small2 as the Coursera "Happy House" exercise builds it (channels-first 3x96x96
 * RGB/255 in, 128-d unit vector out) as DJL blocks for the PyTorch engine. It is not OpenFace's own
 * graph: no LRN, average instead of L2 pooling, explicit (some asymmetric) zero paddings, and
 * {@code bn1} with the Keras default epsilon 1e-3 (every other batch norm 1e-5). The layer table
 * it follows is {@code docs/openface-nn4small2.md} of the shared docs.
 *
 * <p>Weights: the directory passed to {@link #readWeights} is the Keras-OpenFace {@code weights/}
 * folder, one CSV per tensor (a single line of comma-separated decimals). Conv layers have {@code
 * <layer>_w.csv} in Torch OIHW order, which is DJL's, and {@code <layer>_b.csv}; batch norms have
 * {@code <layer>_w/_b/_m/_v.csv} = gamma, beta, moving mean, moving variance; the dense layer has
 * {@code dense_w.csv} [128,736] (out,in), which is DJL's Linear layout, and {@code dense_b.csv}.
 * 224 files are read; the tensors are named by the CSV stems. The folder's two extra files {@code
 * inception_5a_3x3_conv2_m/_v.csv} are not used (the exercise ignores them too).
 *
 * <p>Batch norms use their moving statistics only when the block runs in inference mode (a
 * {@code Predictor}, as {@link FaceEncoder} does); a training-mode forward would use batch
 * statistics instead.
 */
public final class OpenFaceNn4Small2 {
  public static final int INPUT_SIZE = 96;
  public static final int EMBEDDING_SIZE = 128;
  /** The stem builds bn1 without an epsilon argument, so it has Keras' default. */
  static final float BN1_EPSILON = 1e-3f;
  static final float BN_EPSILON = 1e-5f;

  /** Pools of the inception blocks' pool branches: both 3x3, with their own stride. */
  private enum PoolKind {
    MAX(2), AVG(3);

    final int stride;

    PoolKind(int stride) {
      this.stride = stride;
    }
  }

  /**
   * One inception block: a 3x3 branch (1x1 reduce, pad 1, 3x3 conv), a 5x5 branch (1x1 reduce,
   * pad 2, 5x5 conv; absent where {@code out5 == 0}), a pool branch (3x3 pool, a 1x1 conv unless
   * {@code poolConv == 0}, then a zero pad T/B/L/R) and a 1x1 branch (absent where {@code out1 ==
   * 0}), concatenated on channels in that order. {@code stride} is the spatial convs' stride.
   */
  private record Inception(String name, int reduce3, int out3, int reduce5, int out5, int stride,
      PoolKind pool, int poolConv, int[] poolPad, int out1) {}

  private static final Inception[] BLOCKS = {
    //            name  3x3: reduce out  5x5: reduce out  stride  pool  conv  pad T,B,L,R  1x1
    new Inception("3a", 96, 128, 16, 32, 1, PoolKind.MAX, 32, pad(3, 4, 3, 4), 64),
    new Inception("3b", 96, 128, 32, 64, 1, PoolKind.AVG, 64, pad(4, 4, 4, 4), 64),
    new Inception("3c", 128, 256, 32, 64, 2, PoolKind.MAX, 0, pad(0, 1, 0, 1), 0),
    new Inception("4a", 96, 192, 32, 64, 1, PoolKind.AVG, 128, pad(2, 2, 2, 2), 256),
    new Inception("4e", 160, 256, 64, 128, 2, PoolKind.MAX, 0, pad(0, 1, 0, 1), 0),
    new Inception("5a", 96, 384, 0, 0, 1, PoolKind.AVG, 96, pad(1, 1, 1, 1), 256),
    new Inception("5b", 96, 384, 0, 0, 1, PoolKind.MAX, 96, pad(1, 1, 1, 1), 256),
  };

  private OpenFaceNn4Small2() {}

  /** One CSV of the weights folder: its stem (the tensor's name) and the shape it fills. */
  record WeightFile(String stem, int[] shape) {
    String fileName() {
      return stem + ".csv";
    }

    int size() {
      int n = 1;
      for (int d : shape) {
        n *= d;
      }
      return n;
    }
  }

  /**
   * Reads the Keras-OpenFace {@code weights/} folder {@code dir}. Every expected file is looked
   * for before any is parsed, so a folder with files missing fails once, naming all of them.
   */
  public static ModelWeights readWeights(String modelId, Path dir) throws IOException {
    if (!Files.isDirectory(dir)) {
      throw new IOException(modelId + ": " + dir + " is not a directory (expected the"
          + " Keras-OpenFace weights/ folder of CSV files)");
    }
    List<WeightFile> files = weightFiles();
    List<String> missing = new ArrayList<>();
    for (WeightFile f : files) {
      if (!Files.isRegularFile(dir.resolve(f.fileName()))) {
        missing.add(f.fileName());
      }
    }
    if (!missing.isEmpty()) {
      throw new IOException(modelId + ": " + missing.size() + " of the " + files.size()
          + " weight files are missing from " + dir + ": " + String.join(", ", missing));
    }
    Map<String, Tensor> tensors = new LinkedHashMap<>();
    for (WeightFile f : files) {
      tensors.put(f.stem(), readFile(dir, f));
    }
    return new ModelWeights(modelId, tensors);
  }

  /** The 224 files the network reads, in layer order. */
  static List<WeightFile> weightFiles() {
    List<WeightFile> files = new ArrayList<>();
    for (Slot s : walk().slots) {
      files.add(s.file());
    }
    return files;
  }

  /**
   * Reads {@code f} from {@code dir}: comma-separated decimals parsed as double then cast to float
   * (the rounding path of numpy's genfromtxt plus Keras' float32 cast). Fails naming the file when
   * its value count does not fill {@code f}'s shape or a value is not a finite number.
   */
  static Tensor readFile(Path dir, WeightFile f) throws IOException {
    Path file = dir.resolve(f.fileName());
    // Latin-1 never fails to decode, so a stray byte surfaces below as a bad value in this file.
    String text = Files.readString(file, StandardCharsets.ISO_8859_1).strip();
    int count = text.isEmpty() ? 0 : 1;
    for (int i = 0; i < text.length(); i++) {
      if (text.charAt(i) == ',') {
        count++;
      }
    }
    if (count != f.size()) {
      throw new IOException(f.fileName() + ": expected " + f.size() + " values (shape "
          + Arrays.toString(f.shape()) + "), found " + count + " in " + file);
    }
    float[] values = new float[count];
    int start = 0;
    for (int k = 0; k < count; k++) {
      int end = text.indexOf(',', start);
      if (end < 0) {
        end = text.length();
      }
      String token = text.substring(start, end);
      double v;
      try {
        v = Double.parseDouble(token);
      } catch (NumberFormatException e) {
        v = Double.NaN;
      }
      if (!Double.isFinite(v)) {
        throw new IOException(f.fileName() + ": value " + (k + 1) + " of " + count
            + " is not a finite number: '" + token.strip() + "'");
      }
      values[k] = (float) v;
      start = end + 1;
    }
    return new Tensor(f.stem(), f.shape(), values);
  }

  /** Builds the network and loads {@code weights} into it. Input: NCHW 96x96, RGB/255. */
  public static Block create(ModelWeights weights, NDManager manager) {
    Built built = build(manager);
    for (Map.Entry<String, Parameter> e : built.byStem().entrySet()) {
      Tensor t = weights.get(e.getKey());
      NDArray array = e.getValue().getArray();
      Shape expected = array.getShape();
      if (!expected.equals(new Shape(toLongs(t.shape())))) {
        throw new IllegalArgumentException(weights.modelId() + ": tensor " + t + " does not fit"
            + " its layer's parameter of shape " + expected);
      }
      array.set(t.values());
    }
    return built.net();
  }

  /** The initialised network (random weights) and the parameter each weight file fills. */
  record Built(Block net, Map<String, Parameter> byStem) {}

  static Built build(NDManager manager) {
    Graph g = walk();
    g.net.initialize(manager, DataType.FLOAT32, new Shape(1, 3, INPUT_SIZE, INPUT_SIZE));
    Map<String, Parameter> byStem = new LinkedHashMap<>();
    for (Slot s : g.slots) {
      Parameter p = s.block().getParameters().get(s.parameter());
      if (p == null) {
        throw new IllegalStateException("no parameter " + s.parameter() + " for " + s.file().stem());
      }
      byStem.put(s.file().stem(), p);
    }
    return new Built(g.net, Collections.unmodifiableMap(byStem));
  }

  /** Floating-point operations of one 96x96 forward pass (2 per multiply-add; convs and dense). */
  public static long flopsPerImage() {
    return 2 * walk().macs;
  }

  // ---- the graph, walked once per use: blocks, weight files and multiply-adds together ----

  /** A weight file and the block parameter it fills. */
  private record Slot(WeightFile file, Block block, String parameter) {}

  private static final class Graph {
    final List<Slot> slots = new ArrayList<>();
    long macs;
    Block net;
  }

  /** A chain of layers and the (channels, height, width) it has reached. */
  private static final class Chain {
    final Graph g;
    final SequentialBlock seq = new SequentialBlock();
    int c;
    int h;
    int w;

    Chain(Graph g, int c, int h, int w) {
      this.g = g;
      this.c = c;
      this.h = h;
      this.w = w;
    }

    Chain zeroPad(int[] tblr) {
      int top = tblr[0], bottom = tblr[1], left = tblr[2], right = tblr[3];
      // NDArray.pad lists the last axis first, as torch.nn.functional.pad: (left, right, top, bottom).
      Shape widths = new Shape(left, right, top, bottom);
      seq.add(LambdaBlock.singleton(x -> x.pad(widths, 0)));
      h += top + bottom;
      w += left + right;
      return this;
    }

    /** Conv (valid, with bias), batch norm, ReLU. */
    Chain convBnRelu(String conv, String bn, int filters, int k, int stride, float eps) {
      Conv2d cv = Conv2d.builder()
          .setKernelShape(new Shape(k, k))
          .optStride(new Shape(stride, stride))
          .setFilters(filters)
          .build();
      BatchNorm norm = BatchNorm.builder().optAxis(1).optEpsilon(eps).build();
      seq.add(cv).add(norm).add(Activation.reluBlock());
      g.slots.add(new Slot(new WeightFile(conv + "_w", new int[] {filters, c, k, k}), cv, "weight"));
      g.slots.add(new Slot(new WeightFile(conv + "_b", new int[] {filters}), cv, "bias"));
      String[][] bnFiles = {{"_w", "gamma"}, {"_b", "beta"}, {"_m", "runningMean"},
          {"_v", "runningVar"}};
      for (String[] f : bnFiles) {
        g.slots.add(new Slot(new WeightFile(bn + f[0], new int[] {filters}), norm, f[1]));
      }
      h = (h - k) / stride + 1;
      w = (w - k) / stride + 1;
      g.macs += (long) h * w * c * filters * k * k;
      c = filters;
      return this;
    }

    Chain pool(PoolKind kind, int k, int stride) {
      Shape kernel = new Shape(k, k);
      Shape strides = new Shape(stride, stride);
      seq.add(kind == PoolKind.MAX
          ? Pool.maxPool2dBlock(kernel, strides)
          : Pool.avgPool2dBlock(kernel, strides));
      h = (h - k) / stride + 1;
      w = (w - k) / stride + 1;
      return this;
    }
  }

  private static Graph walk() {
    Graph g = new Graph();
    Chain x = new Chain(g, 3, INPUT_SIZE, INPUT_SIZE)
        .zeroPad(pad(3, 3, 3, 3))
        .convBnRelu("conv1", "bn1", 64, 7, 2, BN1_EPSILON)
        .zeroPad(pad(1, 1, 1, 1))
        .pool(PoolKind.MAX, 3, 2)
        .convBnRelu("conv2", "bn2", 64, 1, 1, BN_EPSILON)
        .zeroPad(pad(1, 1, 1, 1))
        .convBnRelu("conv3", "bn3", 192, 3, 1, BN_EPSILON)
        .zeroPad(pad(1, 1, 1, 1))
        .pool(PoolKind.MAX, 3, 2);
    for (Inception b : BLOCKS) {
      inception(g, x, b);
    }
    if (x.c != 736 || x.h != 3 || x.w != 3) {
      throw new IllegalStateException("5b ends at " + x.c + "x" + x.h + "x" + x.w);
    }
    x.pool(PoolKind.AVG, 3, 1); // the final 3x3 average pool, stride 1: (736,1,1)
    x.seq.add(Blocks.batchFlattenBlock());
    Linear dense = Linear.builder().setUnits(EMBEDDING_SIZE).optBias(true).build();
    x.seq.add(dense);
    g.slots.add(new Slot(new WeightFile("dense_w", new int[] {EMBEDDING_SIZE, x.c}), dense,
        "weight"));
    g.slots.add(new Slot(new WeightFile("dense_b", new int[] {EMBEDDING_SIZE}), dense, "bias"));
    g.macs += (long) x.c * EMBEDDING_SIZE;
    x.seq.add(LambdaBlock.singleton(OpenFaceNn4Small2::l2Normalize));
    g.net = x.seq;
    return g;
  }

  /** Keras' l2_normalize on axis 1: x / sqrt(max(sum x^2, 1e-12)). */
  static NDArray l2Normalize(NDArray x) {
    return x.div(x.square().sum(new int[] {1}, true).maximum(1e-12f).sqrt());
  }

  /** Appends block {@code b} to chain {@code in} and returns it. */
  private static Chain inception(Graph g, Chain in, Inception b) {
    String p = "inception_" + b.name() + "_";
    List<Chain> branches = new ArrayList<>();
    branches.add(new Chain(g, in.c, in.h, in.w)
        .convBnRelu(p + "3x3_conv1", p + "3x3_bn1", b.reduce3(), 1, 1, BN_EPSILON)
        .zeroPad(pad(1, 1, 1, 1))
        .convBnRelu(p + "3x3_conv2", p + "3x3_bn2", b.out3(), 3, b.stride(), BN_EPSILON));
    if (b.out5() > 0) {
      branches.add(new Chain(g, in.c, in.h, in.w)
          .convBnRelu(p + "5x5_conv1", p + "5x5_bn1", b.reduce5(), 1, 1, BN_EPSILON)
          .zeroPad(pad(2, 2, 2, 2))
          .convBnRelu(p + "5x5_conv2", p + "5x5_bn2", b.out5(), 5, b.stride(), BN_EPSILON));
    }
    Chain pool = new Chain(g, in.c, in.h, in.w).pool(b.pool(), 3, b.pool().stride);
    if (b.poolConv() > 0) {
      pool.convBnRelu(p + "pool_conv", p + "pool_bn", b.poolConv(), 1, 1, BN_EPSILON);
    }
    branches.add(pool.zeroPad(b.poolPad()));
    if (b.out1() > 0) {
      branches.add(new Chain(g, in.c, in.h, in.w)
          .convBnRelu(p + "1x1_conv", p + "1x1_bn", b.out1(), 1, 1, BN_EPSILON));
    }
    // The walk's own shape check: every branch must end at the same spatial size.
    int channels = 0;
    List<Block> blocks = new ArrayList<>();
    for (Chain br : branches) {
      if (br.h != branches.get(0).h || br.w != branches.get(0).w) {
        throw new IllegalStateException(p + " branches end at different sizes");
      }
      channels += br.c;
      blocks.add(br.seq);
    }
    in.seq.add(new ParallelBlock(OpenFaceNn4Small2::concatChannels, blocks));
    in.c = channels;
    in.h = branches.get(0).h;
    in.w = branches.get(0).w;
    return in;
  }

  private static NDList concatChannels(List<NDList> branches) {
    NDList heads = new NDList(branches.size());
    for (NDList b : branches) {
      heads.add(b.singletonOrThrow());
    }
    return new NDList(NDArrays.concat(heads, 1));
  }

  private static int[] pad(int top, int bottom, int left, int right) {
    return new int[] {top, bottom, left, right};
  }

  private static long[] toLongs(int[] a) {
    long[] l = new long[a.length];
    for (int i = 0; i < a.length; i++) {
      l[i] = a[i];
    }
    return l;
  }
}
