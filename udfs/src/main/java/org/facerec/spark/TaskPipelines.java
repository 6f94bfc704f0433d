package org.facerec.spark;

import java.io.Serializable;
import org.apache.spark.TaskContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.util.TaskCompletionListener;
import org.facerec.detect.FaceFinder;
import org.facerec.model.Adapter;
import org.facerec.model.ModelWeights;
import org.facerec.pipeline.EncodeOptions;
import org.facerec.pipeline.FacePipeline;

/**
 * What a task needs to run a {@link FacePipeline}: the broadcast weights and the options,
 * serialisable, shipped with the partition functions. The networks are built from the
 * broadcasts once per executor JVM and device ({@link ModelHolder}); each task gets its own
 * pipeline.
 */
public final class TaskPipelines implements Serializable {
  private static final long serialVersionUID = 1L;

  private final Broadcast<ModelWeights> weights;
  private final Broadcast<FaceFinder.Weights> finderWeights;
  private final EncodeOptions options;
  private final Adapter adapter;

  /**
   * @param finderWeights the detector and landmark weights; null when {@code options} detect no
   *     faces
   * @param adapter applied to every encoding after the mirror average (about 66 KB, shipped with
   *     the task); null: none
   */
  public TaskPipelines(Broadcast<ModelWeights> weights,
      Broadcast<FaceFinder.Weights> finderWeights, EncodeOptions options, Adapter adapter) {
    if (options.detects() && finderWeights == null) {
      throw new IllegalArgumentException("face detection needs the detector weights");
    }
    this.weights = weights;
    this.finderWeights = finderWeights;
    this.options = options;
    this.adapter = adapter;
  }

  public EncodeOptions options() {
    return options;
  }

  /**
   * A pipeline for the running task, closed when the task completes (not when the caller's
   * iterator returns: Spark's iterators are lazy); outside a task, the caller closes it.
   */
  public FacePipeline open() {
    FacePipeline p = new FacePipeline(options, FacePipeline.lazily(
        () -> {
          ModelHolder.configureThreads(options.threads());
          return ModelHolder.encoder(weights.value(), ModelHolder.taskDevice());
        },
        () -> ModelHolder.finder(finderWeights.value(), ModelHolder.taskDevice())), adapter);
    TaskContext tc = TaskContext.get();
    if (tc != null) {
      tc.addTaskCompletionListener((TaskCompletionListener) ctx -> p.close());
    }
    return p;
  }
}
