package org.facerec.spark;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.Device;
import java.util.Properties;
import org.apache.spark.TaskContext;
import org.apache.spark.TaskContext$;
import org.apache.spark.TaskContextImpl;
import org.apache.spark.executor.TaskMetrics;
import org.apache.spark.resource.ResourceInformation;
import org.junit.jupiter.api.Test;

/**
 * Which device a task encodes on: the GPU Spark assigned to the task (its "gpu" resource), with
 * one model per device; the CPU without a task, without a GPU resource, or when the PyTorch build
 * has no CUDA. Runs without a GPU: the engine's CUDA device count is given.
 */
class TaskDeviceTest {
  @Test
  void theTasksOwnGpuWhenTheEngineHasCuda() {
    assertThat(ModelHolder.taskDevice(task("1"), () -> 2)).isEqualTo(Device.gpu(1));
    assertThat(ModelHolder.taskDevice(task("0"), () -> 2)).isEqualTo(Device.gpu(0));
    // several addresses (a task given whole GPUs): the first
    assertThat(ModelHolder.taskDevice(task(" 3", "2"), () -> 4)).isEqualTo(Device.gpu(3));
  }

  @Test
  void theCpuWithoutATaskOrAGpuResourceOrCuda() {
    assertThat(ModelHolder.taskDevice(null, () -> 2)).isEqualTo(Device.cpu());
    assertThat(ModelHolder.taskDevice(task(), () -> 2)).isEqualTo(Device.cpu());
    assertThat(ModelHolder.taskDevice(task("1"), () -> 0)).isEqualTo(Device.cpu());
  }

  @Test
  void theCpuBuildGivenAGpuFallsBackToTheCpu() {
    // this build's libtorch (pytorch-native-cpu) counts no CUDA device
    TaskContext$.MODULE$.setTaskContext(task("0"));
    try {
      assertThat(ModelHolder.taskDevice()).isEqualTo(Device.cpu());
    } finally {
      TaskContext$.MODULE$.unset();
    }
    assertThat(ModelHolder.taskDevice()).isEqualTo(Device.cpu());
  }

  /** A task context with the GPU addresses Spark's scheduler gave the task (none: no resource). */
  static TaskContext task(String... gpus) {
    scala.collection.immutable.Map<String, ResourceInformation> resources =
        scala.collection.immutable.Map$.MODULE$.empty();
    if (gpus.length > 0) {
      resources = resources.updated("gpu", new ResourceInformation("gpu", gpus));
    }
    return new TaskContextImpl(0, 0, 0, 0L, 0, 1, null, new Properties(), null,
        TaskMetrics.empty(), 1, resources);
  }
}
