/**
 * facerec's SQL functions (face_distance, face_cosine, face_match, face_error, face_nearest,
 * face_embed, face_embed_result), by family, with their argument checks at analysis time
 * ({@code Args}) and their null-not-failure handling of unusable values ({@code Values}).
 * {@link org.facerec.spark.sql.SqlFunctions} is the one class that touches Spark's internals
 * (function registry, extension injection, UDF expressions). What needs the driver (settings,
 * weights and table broadcasts) comes through {@link org.facerec.spark.sql.FaceFunctions.Setup},
 * which the jobs module's {@code org.facerec.sql} implements and wires into sessions.
 */
package org.facerec.spark.sql;
