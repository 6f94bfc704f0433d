/**
 * The executor side of the Spark stages: the partition functions that encode images
 * ({@link org.facerec.spark.EncodePartition}) and search residents
 * ({@link org.facerec.spark.Matches}), the per-JVM model holder that builds the networks once per
 * executor and device from broadcast weights ({@link org.facerec.spark.ModelHolder}, Iceberg's
 * executor-cache pattern), what a task needs to open a pipeline
 * ({@link org.facerec.spark.TaskPipelines}), and reading one image file inside a task with its
 * size guard. These classes hold only serialisable settings and broadcast handles; nothing here
 * builds a plan or touches a SparkSession: the driver sides are the jobs module's
 * {@code org.facerec.stage}. The SQL functions' bodies are {@link org.facerec.spark.sql}.
 */
package org.facerec.spark;
