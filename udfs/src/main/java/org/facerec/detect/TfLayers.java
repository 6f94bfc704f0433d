package org.facerec.detect;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.LambdaBlock;
import ai.djl.nn.ParallelBlock;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.convolutional.Conv2d;
import java.util.ArrayList;
import java.util.List;
import org.facerec.model.ModelWeights;
import org.facerec.model.Tensor;

/**
 * TensorFlow layers as DJL blocks, and the weights to load into them once the network is
 * initialised. One instance per network being built: {@link #load()} copies every filter and
 * bias collected while building into the initialised parameters.
 */
final class TfLayers {
  private final ModelWeights weights;
  private final List<Runnable> loads = new ArrayList<>();

  TfLayers(ModelWeights weights) {
    this.weights = weights;
  }

  ModelWeights weights() {
    return weights;
  }

  /** Copies the collected weights into the parameters; call after {@code initialize}. */
  void load() {
    loads.forEach(Runnable::run);
  }

  /**
   * A convolution with TF's {@code 'same'} or {@code 'valid'} padding. SAME at stride 1 pads
   * symmetrically inside the convolution; at stride 2 TF pads {@code total/2} before and the rest
   * after (for the even sizes here: nothing before, one after), which PyTorch's symmetric padding
   * cannot express, so an explicit pad goes first.
   *
   * @param oihw filters in PyTorch layout; {@code groups == filters} makes it depthwise
   * @param bias per output channel, or null for none
   */
  Block conv(int filters, int k, int stride, boolean same, int groups, float[] oihw, float[] bias) {
    boolean padInside = same && stride == 1;
    Conv2d conv = Conv2d.builder()
        .setKernelShape(new Shape(k, k))
        .optStride(new Shape(stride, stride))
        .optPadding(padInside ? new Shape(k / 2, k / 2) : new Shape(0, 0))
        .optGroups(groups)
        .optBias(bias != null)
        .setFilters(filters)
        .build();
    loads.add(() -> {
      conv.getParameters().get("weight").getArray().set(oihw);
      if (bias != null) {
        conv.getParameters().get("bias").getArray().set(bias);
      }
    });
    if (!same || padInside || k == 1) {
      return conv;
    }
    return new SequentialBlock().add(samePad(k, stride)).add(conv);
  }

  /** Regular conv from a TF HWIO filter tensor. */
  Block conv(String filters, int stride, boolean same, float[] bias) {
    Tensor f = weights.get(filters);
    return conv(f.shape()[3], f.shape()[0], stride, same, 1, f.hwioToOihw(), bias);
  }

  /** Depthwise conv from a TF {@code [kh, kw, C, 1]} filter tensor. */
  Block depthwise(String filters, int stride, float[] bias) {
    Tensor f = weights.get(filters);
    int channels = f.shape()[2];
    // [kh,kw,C,1] read as HWIO with I=C, O=1 is laid out as [C,1,kh,kw] once transposed.
    return conv(channels, f.shape()[0], stride, true, channels, f.hwioToOihw(), bias);
  }

  float[] values(String name) {
    return weights.get(name).values();
  }

  /** TF SAME padding computed from the actual input size (zeros; before = total/2). */
  static Block samePad(int k, int stride) {
    return LambdaBlock.singleton(x -> {
      long h = x.getShape().get(2);
      long w = x.getShape().get(3);
      long ph = samePadTotal(h, k, stride);
      long pw = samePadTotal(w, k, stride);
      if (ph == 0 && pw == 0) {
        return x;
      }
      return x.pad(new Shape(pw / 2, pw - pw / 2, ph / 2, ph - ph / 2), 0);
    });
  }

  static long samePadTotal(long in, int k, int stride) {
    long out = (in + stride - 1) / stride;
    return Math.max((out - 1) * stride + k - in, 0);
  }

  /** {@code x + f(x)}: a branch whose output is added to its input. */
  static Block residual(Block branch) {
    return new ParallelBlock(TfLayers::sum, List.of(LambdaBlock.singleton(x -> x), branch));
  }

  static NDList sum(List<NDList> branches) {
    NDArray out = branches.get(0).singletonOrThrow();
    for (int i = 1; i < branches.size(); i++) {
      out = out.add(branches.get(i).singletonOrThrow());
    }
    return new NDList(out);
  }

  /**
   * {@code [x] -> [x, rest(x)...]}: keeps a tapped feature map next to what the rest of the
   * network makes of it, so one sequential chain can hand several feature maps to the heads.
   */
  static Block tap(Block rest) {
    return new ParallelBlock(branches -> {
      NDList out = new NDList();
      branches.forEach(out::addAll);
      return out;
    }, List.of(LambdaBlock.singleton(x -> x), rest));
  }

  /** {@code x * scale + shift} per output channel, folded into the filters and bias. */
  static float[] foldScale(float[] oihw, int out, float[] scale) {
    int perOut = oihw.length / out;
    for (int o = 0; o < out; o++) {
      for (int i = 0; i < perOut; i++) {
        oihw[o * perOut + i] *= scale[o];
      }
    }
    return oihw;
  }
}
