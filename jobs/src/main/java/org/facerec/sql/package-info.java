/**
 * facerec's SQL functions wired into Spark sessions: registered in a running session with the
 * run's settings ({@link org.facerec.sql.FaceSql}, as {@code facerec query} does), or added to
 * every session by the {@code spark.sql.extensions} class
 * {@link org.facerec.sql.FaceSqlExtensions} (spark-sql, spark-shell, notebooks). It implements
 * what the functions need from the driver with the jobs' own parts: the settings, the encoding
 * stage's weight broadcast, the residents broadcast and the model check. The functions' bodies
 * are udfs' {@code org.facerec.spark.sql}.
 */
package org.facerec.sql;
