package org.facerec.spark.sql;

import java.io.Serializable;
import java.util.List;
import java.util.function.Supplier;
import org.apache.spark.sql.api.java.UDF1;
import org.apache.spark.sql.api.java.UDF2;
import org.apache.spark.sql.api.java.UDF3;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataTypes;
import org.facerec.match.Distances;
import org.facerec.spark.Embeddings;
import org.facerec.spark.sql.SqlFunctions.Arg;
import org.facerec.spark.sql.SqlFunctions.Call;

/**
 * The functions of two encodings: {@code face_distance} (L2, what every job decides on),
 * {@code face_cosine}, {@code face_match} (distance below a threshold, by default the configured
 * model's) and {@code face_error} (why they give null). Encodings must have the configured
 * model's length.
 */
final class DistanceFunctions {
  private final Supplier<FaceFunctions.Setup> setup;

  DistanceFunctions(Supplier<FaceFunctions.Setup> setup) {
    this.setup = setup;
  }

  /** Serializable, as the UDF that captures it ships to the executors. */
  private interface Measure extends Serializable {
    double of(float[] a, float[] b);
  }

  Call distance(List<Arg> args) {
    return measure("face_distance", args, Distances::l2);
  }

  Call cosine(List<Arg> args) {
    return measure("face_cosine", args, Distances::cosine);
  }

  /** A function of two encodings to a number, null where either is unusable. */
  private Call measure(String name, List<Arg> args, Measure measure) {
    twoEncodings(name, args, 2);
    int d = setup.get().model().embeddingSize();
    UDF2<Object, Object, Double> f = (a, b) -> {
      float[][] e = Values.pair(name, a, b, d);
      return e == null ? null : measure.of(e[0], e[1]);
    };
    return SqlFunctions.call(name, functions.udf(f, DataTypes.DoubleType), args);
  }

  Call match(List<Arg> args) {
    String name = "face_match";
    twoEncodings(name, args, 3);
    int d = setup.get().model().embeddingSize();
    if (args.size() == 2) {
      double t = setup.get().threshold();
      UDF2<Object, Object, Boolean> f = (a, b) -> {
        float[][] e = Values.pair(name, a, b, d);
        return e == null ? null : Distances.l2(e[0], e[1]) < t;
      };
      return SqlFunctions.call(name, functions.udf(f, DataTypes.BooleanType), args);
    }
    Args.number(name, args, 2, "threshold", false);
    UDF3<Object, Object, Object, Boolean> f = (a, b, t) -> {
      float[][] e = Values.pair(name, a, b, d);
      if (e == null) {
        return null;
      }
      if (t == null) {
        Values.warn(name, "threshold is null");
        return null;
      }
      return Distances.l2(e[0], e[1]) < ((Number) t).doubleValue();
    };
    return SqlFunctions.call(name, functions.udf(f, DataTypes.BooleanType), args);
  }

  Call error(List<Arg> args) {
    String name = "face_error";
    Args.arity(name, args, 1, 2);
    Args.encoding(name, args, 0);
    int d = setup.get().model().embeddingSize();
    if (args.size() == 1) {
      UDF1<Object, String> f = a -> Embeddings.problem(a, d);
      return SqlFunctions.call(name, functions.udf(f, DataTypes.StringType), args);
    }
    Args.encoding(name, args, 1);
    UDF2<Object, Object, String> f = (a, b) -> Values.pairProblem(a, b, d);
    return SqlFunctions.call(name, functions.udf(f, DataTypes.StringType), args);
  }

  /** Two encodings first, and at most {@code max} arguments in all. */
  private static void twoEncodings(String name, List<Arg> args, int max) {
    Args.arity(name, args, 2, max);
    Args.encoding(name, args, 0);
    Args.encoding(name, args, 1);
  }
}
