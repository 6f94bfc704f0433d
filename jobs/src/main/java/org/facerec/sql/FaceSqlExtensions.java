package org.facerec.sql;

import org.apache.spark.sql.SparkSessionExtensions;
import org.apache.spark.sql.SparkSessionExtensionsProvider;
import scala.runtime.BoxedUnit;

/**
 * Adds facerec's SQL functions to every session of a Spark application that is started with
 * {@code --conf spark.sql.extensions=org.facerec.sql.FaceSqlExtensions} (spark-sql, spark-shell,
 * spark-submit, a notebook), the facerec spark jar on its classpath ({@code --jars}). Settings
 * come from the session's {@code spark.facerec.*} entries, e.g. {@code spark.facerec.models.dir}
 * for {@code face_embed}.
 */
public final class FaceSqlExtensions implements SparkSessionExtensionsProvider {
  @Override
  public BoxedUnit apply(SparkSessionExtensions extensions) {
    FaceSql.forActiveSession().inject(extensions);
    return BoxedUnit.UNIT;
  }
}
