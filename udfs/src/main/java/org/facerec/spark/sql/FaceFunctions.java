package org.facerec.spark.sql;

import java.util.List;
import java.util.function.Supplier;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.SparkSessionExtensions;
import org.facerec.match.ResidentMatrix;
import org.facerec.model.FaceModel;
import org.facerec.spark.TaskPipelines;
import org.facerec.spark.sql.SqlFunctions.Definition;

/**
 * facerec's Spark SQL functions, for SQL and the DataFrame API ({@code call_function}), by family:
 *
 * <ul>
 *   <li>{@link DistanceFunctions}: {@code face_distance(a, b)}, the L2 distance of two encodings
 *       (what every job decides on); {@code face_cosine(a, b)}, their cosine similarity (1 = same
 *       direction); {@code face_match(a, b [, threshold])}, {@code face_distance(a, b) <
 *       threshold}, by default the configured model's threshold; {@code face_error(a [, b])}, why
 *       the functions give null for these encodings, or null when they do not;
 *   <li>{@link NearestFunction}: {@code face_nearest(embedding, 'table' [, k])}, the k nearest
 *       residents of a table or view ({@code resident_id}, {@code embedding}; only
 *       {@code status = 'OK'} rows when it has a status), as
 *       {@code array<struct<resident_id, distance>>}, nearest first, exact;
 *   <li>{@link EmbedFunctions}: {@code face_embed(content)}, the encoding of image bytes (e.g. the
 *       binaryFile source's {@code content}) with the configured model, detection and framing,
 *       through the same per-JVM model and broadcast weights as the jobs;
 *       {@code face_embed_result(content)}, the same as a struct with {@code status},
 *       {@code error}, {@code face_box} and {@code face_score}.
 * </ul>
 *
 * Unusable input (a null, an array of the wrong length or with null elements, an image with no
 * face) gives null and never fails the query ({@link Values}); arguments of the wrong type fail
 * when the query is analysed ({@link Args}). The functions are registered in a session
 * ({@link #register}) or injected by a {@code spark.sql.extensions} class ({@link #inject}),
 * through {@link SqlFunctions}, the one class that touches Spark's internals. What needs the
 * driver (the settings, the weights broadcast, a table read and broadcast) comes from a
 * {@link Setup}, asked for once, when a query first uses a function.
 */
public final class FaceFunctions {
  /** What the functions need from facerec's settings and the driver. */
  public interface Setup {
    FaceModel model();

    /** The decision threshold: {@code face_match}'s default. */
    double threshold();

    /**
     * The usable encodings of the table or view {@code table}, read and broadcast on the
     * driver; refused (IllegalArgumentException, its message naming {@code function}) when it
     * is not a table of encodings of {@link #model}, or too large to broadcast.
     */
    Broadcast<ResidentMatrix> residents(String function, String table);

    /** face_embed's encoding stage: the weights broadcast once, the face options. */
    TaskPipelines pipelines();
  }

  private final Supplier<Setup> setupSource;
  private Setup setup;

  /** @param setup called once, on the driver, when a query first uses a function */
  public FaceFunctions(Supplier<Setup> setup) {
    this.setupSource = setup;
  }

  /** Registers every function in {@code spark}'s session (temporary functions). */
  public static void register(SparkSession spark, Setup setup) {
    SqlFunctions.register(spark, new FaceFunctions(() -> setup).definitions());
  }

  /** Adds every function to the sessions built with {@code extensions}. */
  public void inject(SparkSessionExtensions extensions) {
    SqlFunctions.inject(extensions, definitions());
  }

  List<Definition> definitions() {
    DistanceFunctions distances = new DistanceFunctions(this::setup);
    NearestFunction nearest = new NearestFunction(this::setup);
    EmbedFunctions embed = new EmbedFunctions(this::setup);
    return List.of(
        SqlFunctions.define("face_distance", "_FUNC_(a, b) - L2 distance of two face encodings; "
            + "null when either is unusable (see face_error)", distances::distance),
        SqlFunctions.define("face_cosine", "_FUNC_(a, b) - cosine similarity of two face "
            + "encodings (1 = same direction); null when either is unusable", distances::cosine),
        SqlFunctions.define("face_match", "_FUNC_(a, b [, threshold]) - true when the L2 "
            + "distance is below the threshold (default: the configured model's)",
            distances::match),
        SqlFunctions.define(NearestFunction.NAME, "_FUNC_(embedding, 'table' [, k]) - the k "
            + "(default 1) nearest residents of a table or view, array<struct<resident_id, "
            + "distance>>, exact", nearest::nearest),
        SqlFunctions.define("face_embed", "_FUNC_(content) - the face encoding of image bytes "
            + "with the configured model; null when none (see face_embed_result)",
            args -> embed.embed(args, false)),
        SqlFunctions.define("face_embed_result", "_FUNC_(content) - struct<status, error, "
            + "embedding, face_box, face_score> of image bytes", args -> embed.embed(args, true)),
        SqlFunctions.define("face_error", "_FUNC_(a [, b]) - why the face functions give null "
            + "for these encodings, or null", distances::error));
  }

  private synchronized Setup setup() {
    if (setup == null) {
      setup = setupSource.get();
    }
    return setup;
  }
}
