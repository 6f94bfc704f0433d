/**
 * The driver side of the Spark stages the jobs share: encoding
 * ({@link org.facerec.stage.Encoding}: the weights read once on the driver and broadcast once,
 * the inputs repartitioned and encoded in batches) and the exact 1:K search
 * ({@link org.facerec.stage.Matching}: the residents matrix broadcast, or a blocked join for
 * large tables, and the partial top-k lists merged). verify, identify, evaluate and the SQL
 * functions ({@code face_embed}, {@code face_nearest}) use the same two. Their executor side
 * (partition functions, the per-JVM model holder) is udfs' {@code org.facerec.spark}.
 */
package org.facerec.stage;
