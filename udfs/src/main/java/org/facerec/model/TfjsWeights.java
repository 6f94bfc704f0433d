package org.facerec.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The tensors of a TF.js weights manifest ({@code NAME-weights_manifest.json} plus its {@code .bin}
 * shards), as face-api.js ships them. Values are dequantized exactly as tfjs does it:
 * {@code q * scale + min} in double, rounded once to float.
 */
public final class TfjsWeights {

  private TfjsWeights() {}

  /** Reads {@code dir/<modelName>-weights_manifest.json} and the shards it names. */
  public static Map<String, Tensor> read(Path dir, String modelName) throws IOException {
    Path manifest = dir.resolve(modelName + "-weights_manifest.json");
    if (!Files.isRegularFile(manifest)) {
      throw new IOException("model file " + manifest + " is missing; run scripts/fetch-models "
          + "(or point facerec.models.dir at a folder that holds it)");
    }
    JsonNode groups = new ObjectMapper().readTree(manifest.toFile());
    Map<String, Tensor> out = new LinkedHashMap<>();
    for (JsonNode group : groups) {
      ByteBuffer data = concatShards(dir, group.get("paths"));
      for (JsonNode w : group.get("weights")) {
        Tensor t = readTensor(w, data);
        out.put(t.name(), t);
      }
      if (data.hasRemaining()) {
        throw new IOException(manifest + ": " + data.remaining() + " bytes left after the last tensor");
      }
    }
    return out;
  }

  private static ByteBuffer concatShards(Path dir, JsonNode paths) throws IOException {
    List<byte[]> parts = new ArrayList<>();
    int total = 0;
    for (JsonNode p : paths) {
      byte[] bytes = Files.readAllBytes(dir.resolve(p.asText()));
      parts.add(bytes);
      total += bytes.length;
    }
    ByteBuffer buf = ByteBuffer.allocate(total).order(ByteOrder.LITTLE_ENDIAN);
    parts.forEach(buf::put);
    return buf.flip();
  }

  private static Tensor readTensor(JsonNode w, ByteBuffer data) throws IOException {
    String name = w.get("name").asText();
    JsonNode shapeNode = w.get("shape");
    int[] shape = new int[shapeNode.size()];
    int count = 1;
    for (int i = 0; i < shape.length; i++) {
      shape[i] = shapeNode.get(i).asInt();
      count *= shape[i];
    }
    float[] values = new float[count];
    JsonNode q = w.get("quantization");
    String dtype = q != null ? q.get("dtype").asText() : w.get("dtype").asText();
    if (data.remaining() < (long) count * bytesPer(dtype, name)) {
      throw new IOException("weights file too short for tensor " + name);
    }
    if (q == null) {
      if (!"float32".equals(dtype)) {
        throw new IOException("tensor " + name + ": unsupported dtype " + dtype);
      }
      for (int i = 0; i < count; i++) {
        values[i] = data.getFloat();
      }
    } else if ("uint8".equals(dtype)) {
      double scale = q.get("scale").asDouble();
      double min = q.get("min").asDouble();
      for (int i = 0; i < count; i++) {
        values[i] = (float) ((data.get() & 0xff) * scale + min);
      }
    } else if ("uint16".equals(dtype)) {
      double scale = q.get("scale").asDouble();
      double min = q.get("min").asDouble();
      for (int i = 0; i < count; i++) {
        values[i] = (float) ((data.getShort() & 0xffff) * scale + min);
      }
    } else {
      throw new IOException("tensor " + name + ": unsupported quantization " + dtype);
    }
    return new Tensor(name, shape, values);
  }

  private static int bytesPer(String dtype, String name) throws IOException {
    switch (dtype) {
      case "float32":
        return 4;
      case "uint16":
        return 2;
      case "uint8":
        return 1;
      default:
        throw new IOException("tensor " + name + ": unsupported dtype " + dtype);
    }
  }
}
