package org.facerec.model;

import java.io.Serializable;
import java.util.Arrays;

/** A named weight tensor: its shape and its values in row-major order. Travels in broadcasts. */
public record Tensor(String name, int[] shape, float[] values) implements Serializable {

  public Tensor {
    long n = 1;
    for (int d : shape) {
      n *= d;
    }
    if (n != values.length) {
      throw new IllegalArgumentException("tensor " + name + ": shape " + Arrays.toString(shape)
          + " holds " + n + " values, not " + values.length);
    }
  }

  public int size() {
    return values.length;
  }

  /** HWIO conv filters {@code [kh,kw,in,out]} (TensorFlow) to OIHW (PyTorch). */
  public float[] hwioToOihw() {
    int kh = shape[0], kw = shape[1], in = shape[2], out = shape[3];
    float[] dst = new float[values.length];
    for (int y = 0; y < kh; y++) {
      for (int x = 0; x < kw; x++) {
        for (int i = 0; i < in; i++) {
          for (int o = 0; o < out; o++) {
            dst[((o * in + i) * kh + y) * kw + x] = values[((y * kw + x) * in + i) * out + o];
          }
        }
      }
    }
    return dst;
  }

  @Override
  public String toString() {
    return name + Arrays.toString(shape);
  }
}
