package org.facerec.jobs;

import java.util.Locale;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.facerec.learn.PairHead;

/** How verify and identify word a decision by the learned head, in summaries and reasons. */
final class Heads {
  private Heads() {}

  /**
   * A job's output columns when it decides by a head: {@code p_same} (the head's probability
   * that the two show the same person) after {@code distance}, {@code p_threshold} (the
   * probability that decides) after {@code threshold}.
   */
  static StructType schema(StructType output) {
    StructType t = new StructType();
    for (StructField f : output.fields()) {
      t = t.add(f);
      if (f.name().equals("distance")) {
        t = t.add("p_same", DataTypes.DoubleType, true);
      } else if (f.name().equals("threshold")) {
        t = t.add("p_threshold", DataTypes.DoubleType, false);
      }
    }
    return t;
  }

  /** The decision rule, for summaries. */
  static String rule(PairHead head) {
    return String.format(Locale.ROOT, "same person when p_same = sigmoid(sum_k w_k %s + b) >= "
        + "%.6g (p-threshold); the distance is reported, not used", head.kind()
        == PairHead.Kind.LOGISTIC ? "|x_k - y_k|" : "(x_k - y_k)^2 / (|x_k| + |y_k|)",
        head.pThreshold());
  }

  /** Why one comparison came out as it did. */
  static String why(PairHead head, boolean same, double pSame, double distance) {
    return String.format(Locale.ROOT, "p_same %.4f is %s the p-threshold %.4f (%s head; "
        + "distance %.4f)", pSame, same ? "at least" : "below", head.pThreshold(),
        head.kind().label(), distance);
  }
}
