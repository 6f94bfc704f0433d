package org.facerec.spark;

import ai.djl.Device;
import ai.djl.engine.Engine;
import java.util.HashMap;
import java.util.Map;
import java.util.function.IntSupplier;
import org.apache.spark.TaskContext;
import org.apache.spark.resource.ResourceInformation;
import org.facerec.detect.FaceFinder;
import org.facerec.model.FaceEncoder;
import org.facerec.model.ModelWeights;
import org.facerec.model.Torch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import scala.Option;

/**
 * One model per executor JVM and device, built from broadcast weights the first time a task asks
 * (Iceberg's executor-cache pattern): keyed by model id, weights checksum and device, never
 * reloaded per task. Tasks get their own predictors from it.
 */
public final class ModelHolder {
  private static final Logger LOG = LoggerFactory.getLogger(ModelHolder.class);
  private static final Map<String, FaceEncoder> ENCODERS = new HashMap<>();
  private static final Map<String, FaceFinder> FINDERS = new HashMap<>();

  private ModelHolder() {}

  public static FaceEncoder encoder(ModelWeights weights, Device device) {
    String key = weights.modelId() + "/" + weights.checksum() + "/" + device;
    synchronized (ENCODERS) {
      FaceEncoder e = ENCODERS.get(key);
      if (e == null) {
        LOG.info("building {} on {} (weights {})", weights.modelId(), device,
            weights.checksum().substring(0, 12));
        e = FaceEncoder.create(weights, device);
        ENCODERS.put(key, e);
      }
      return e;
    }
  }

  /** The detector and landmark networks, likewise once per JVM and device. */
  public static FaceFinder finder(FaceFinder.Weights weights, Device device) {
    String key = weights.checksum() + "/" + device;
    synchronized (FINDERS) {
      FaceFinder f = FINDERS.get(key);
      if (f == null) {
        LOG.info("building the face detector and landmark nets on {}", device);
        f = FaceFinder.create(weights, device);
        FINDERS.put(key, f);
      }
      return f;
    }
  }

  /**
   * The device for the running task: the GPU Spark assigned to it (resource "gpu"), else the
   * CPU. DJL alone would pick GPU 0 whenever CUDA is visible, piling every task onto one card.
   */
  public static Device taskDevice() {
    return taskDevice(TaskContext.get(), ModelHolder::cudaDevices);
  }

  /** {@link #taskDevice()} for {@code tc}, with {@code gpus} counting the engine's CUDA devices. */
  static Device taskDevice(TaskContext tc, IntSupplier gpus) {
    if (tc == null) {
      return Device.cpu();
    }
    Option<ResourceInformation> gpu = tc.resources().get("gpu");
    if (gpu.isEmpty() || gpu.get().addresses().length == 0) {
      return Device.cpu();
    }
    String address = gpu.get().addresses()[0];
    if (gpus.getAsInt() == 0) {
      LOG.warn("task was given GPU {} but this PyTorch build has no CUDA; using the CPU "
          + "(build with -Pgpu for the CUDA native library)", address);
      return Device.cpu();
    }
    return Device.gpu(Integer.parseInt(address.trim()));
  }

  private static int cudaDevices() {
    Torch.configure();
    return Engine.getEngine("PyTorch").getGpuCount();
  }

  /** Intra-op threads for this task: the setting if positive, else the task's CPUs. */
  public static void configureThreads(int configured) {
    TaskContext tc = TaskContext.get();
    int threads = configured > 0 ? configured : tc != null ? tc.cpus() : 0;
    if (threads > 0) {
      Torch.setThreads(threads);
    }
  }
}
