package org.facerec.sql;

import java.io.IOException;
import java.io.UncheckedIOException;
import org.apache.spark.sql.SparkSession;
import org.facerec.detect.FaceFinder;
import org.facerec.jobs.Settings;
import org.facerec.model.FaceModel;
import org.facerec.model.ModelWeights;
import org.facerec.pipeline.EncodeOptions;
import org.facerec.spark.FaceFunctions;

/**
 * facerec's SQL functions ({@link FaceFunctions}) set up from facerec's settings: the model,
 * threshold, models folder and face policy that the jobs use ({@code face_embed} encodes as
 * {@code facerec embed} does, with {@code facerec.embed.multiple-faces}).
 */
public final class FaceSql {
  private FaceSql() {}

  /** Registers the functions with the settings the session carries ({@code spark.facerec.*}). */
  public static void register(SparkSession spark) throws IOException {
    register(spark, Settings.of(spark));
  }

  public static void register(SparkSession spark, Settings settings) {
    FaceFunctions.register(spark, setup(settings));
  }

  /** The functions for a session that is being built, set up from it when first used. */
  static FaceFunctions forActiveSession() {
    return new FaceFunctions(() -> {
      try {
        return setup(Settings.of(SparkSession.active()));
      } catch (IOException e) {
        throw new UncheckedIOException("facerec's settings: " + e.getMessage(), e);
      }
    });
  }

  static FaceFunctions.Setup setup(Settings s) {
    FaceModel model = s.model();
    // encodings comparable with the residents table: encoded as enroll encodes
    EncodeOptions options = s.encodeOptions("enroll");
    return new FaceFunctions.Setup() {
      @Override
      public FaceModel model() {
        return model;
      }

      @Override
      public double threshold() {
        return s.threshold(model);
      }

      @Override
      public long nearestMaxRows() {
        return s.getLong(Settings.BROADCAST_MAX_ROWS);
      }

      @Override
      public EncodeOptions encodeOptions() {
        return options;
      }

      @Override
      public ModelWeights weights() throws IOException {
        return s.readWeights();
      }

      @Override
      public FaceFinder.Weights finderWeights() throws IOException {
        return options.detects() ? s.readFinderWeights(options.finder()) : null;
      }
    };
  }
}
