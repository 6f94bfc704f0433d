package org.facerec.sql;

import org.apache.spark.sql.SparkSessionExtensions;
import org.apache.spark.sql.SparkSessionExtensionsProvider;
import org.facerec.spark.FaceFunctions;
import scala.Tuple3;
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
    for (FaceFunctions.Definition d : FaceSql.forActiveSession().definitions()) {
      extensions.injectFunction(new Tuple3<>(d.id(), d.info(), d.builder()));
    }
    return BoxedUnit.UNIT;
  }
}
