package org.facerec.model;

import java.io.Serializable;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Collections;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The weights of one model, read once on the driver and shipped to executors as a broadcast. The
 * checksum (SHA-256 over names, shapes and values) keys the per-JVM model cache.
 */
public final class ModelWeights implements Serializable {
  private static final long serialVersionUID = 1L;

  private final String modelId;
  private final Map<String, Tensor> tensors;
  private final String checksum;

  public ModelWeights(String modelId, Map<String, Tensor> tensors) {
    this.modelId = modelId;
    this.tensors = Collections.unmodifiableMap(new LinkedHashMap<>(tensors));
    this.checksum = digest(this.tensors);
  }

  public String modelId() {
    return modelId;
  }

  public String checksum() {
    return checksum;
  }

  public Map<String, Tensor> tensors() {
    return tensors;
  }

  /** These weights, when they are {@code id}'s; else it fails naming both. */
  public ModelWeights requireModel(String id) {
    if (!id.equals(modelId)) {
      throw new IllegalArgumentException("expected weights of " + id + ", got " + modelId);
    }
    return this;
  }

  /** The tensor called {@code name}; fails naming the model and tensor when it is absent. */
  public Tensor get(String name) {
    Tensor t = tensors.get(name);
    if (t == null) {
      throw new IllegalArgumentException(modelId + ": weights have no tensor named " + name);
    }
    return t;
  }

  public long parameterCount() {
    long n = 0;
    for (Tensor t : tensors.values()) {
      n += t.size();
    }
    return n;
  }

  private static String digest(Map<String, Tensor> tensors) {
    try {
      MessageDigest md = MessageDigest.getInstance("SHA-256");
      for (Tensor t : tensors.values()) {
        md.update(t.name().getBytes(StandardCharsets.UTF_8));
        ByteBuffer buf = ByteBuffer.allocate(4 * (t.shape().length + t.size()))
            .order(ByteOrder.LITTLE_ENDIAN);
        for (int d : t.shape()) {
          buf.putInt(d);
        }
        for (float v : t.values()) {
          buf.putFloat(v);
        }
        md.update(buf.array());
      }
      return HexFormat.of().formatHex(md.digest());
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
