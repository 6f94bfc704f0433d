package org.facerec.model;

import java.io.IOException;
import java.io.Serializable;
import java.nio.file.Path;

/**
 * What a {@code model_id} names: a base encoder ({@link FaceModel}), and optionally an
 * {@link Adapter} applied to its encodings. The jobs carry one of these where they carried a
 * {@code FaceModel}: the network, its weights and its preprocessing are the base's; the id
 * written into every table, compared before tables are mixed, and used to look up thresholds and
 * heads ({@code facerec.threshold.<id>}, {@code facerec.head.<id>.*}) is {@link #id()}, which
 * differs for every adapter ({@link Adapter#id()}). So a table encoded with one adapter is
 * refused by a job running another, or none, exactly as tables of two base models are.
 *
 * @param base the encoder network
 * @param adapter the projection applied to its (mirror-averaged) encodings; null: none
 */
public record EncodingModel(FaceModel base, Adapter adapter) implements Serializable {
  private static final long serialVersionUID = 1L;

  public EncodingModel {
    if (base == null) {
      throw new IllegalArgumentException("an encoding model needs a base encoder");
    }
    if (adapter != null) {
      if (!adapter.baseModelId().equals(base.id())) {
        throw new IllegalArgumentException("adapter " + adapter.id() + " was trained on "
            + adapter.baseModelId() + " encodings, not " + base.id());
      }
      if (adapter.dim() != base.embeddingSize()) {
        throw new IllegalArgumentException("adapter " + adapter.id() + " takes " + adapter.dim()
            + "-d encodings; " + base.id() + " makes " + base.embeddingSize() + "-d");
      }
    }
  }

  public static EncodingModel plain(FaceModel base) {
    return new EncodingModel(base, null);
  }

  /** The adapter on its base model. */
  public static EncodingModel of(Adapter adapter) {
    return new EncodingModel(FaceModel.byId(adapter.baseModelId()), adapter);
  }

  /**
   * The model {@code modelId} names: a plain model id, or an adapter id whose adapter is read
   * from {@code adaptersDir/<id>.adapter} and checked to hash to that id.
   */
  public static EncodingModel byId(String modelId, Path adaptersDir) throws IOException {
    FaceModel base = FaceModel.byId(Adapter.baseIdOf(modelId));
    return Adapter.isAdapterId(modelId)
        ? new EncodingModel(base, Adapter.readById(modelId, adaptersDir)) : plain(base);
  }

  /** The id written into tables: the base's, or the adapter's. */
  public String id() {
    return adapter == null ? base.id() : adapter.id();
  }

  public boolean adapted() {
    return adapter != null;
  }

  /**
   * The encoding this model gives for the base encoder's output {@code encoding} (after the
   * mirror average, as the adapter was trained on): the adapter's projection, or the encoding
   * itself.
   */
  public float[] finish(float[] encoding) {
    return adapter == null || encoding == null ? encoding : adapter.apply(encoding);
  }

  public int embeddingSize() {
    return adapter == null ? base.embeddingSize() : adapter.dim();
  }

  /** Adapter outputs are unit length. */
  public boolean normalized() {
    return adapter != null || base.normalized();
  }

  /**
   * The threshold to use when the configuration sets none for {@link #id()}: the adapter's
   * suggested one where it has one, else the base model's. (An adapter changes the distance
   * scale: the base's threshold would be wrong for it.)
   */
  public double defaultThreshold() {
    if (adapter != null && Double.isFinite(adapter.threshold())) {
      return adapter.threshold();
    }
    if (adapter != null) {
      throw new IllegalStateException("adapter " + adapter.id() + " has no suggested threshold:"
          + " set facerec.threshold." + adapter.id() + " (facerec calibrate)");
    }
    return base.defaultThreshold();
  }

  @Override
  public String toString() {
    return id();
  }
}
