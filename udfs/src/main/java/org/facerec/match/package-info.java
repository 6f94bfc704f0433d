/**
 * Comparing encodings, without Spark: the distances every decision rests on
 * ({@link org.facerec.match.Distances}), the exact k-nearest-residents search on the engine's
 * matmul with a proof that its candidates hold the true top k
 * ({@link org.facerec.match.NearestResidents} over a {@link org.facerec.match.ResidentMatrix}),
 * the greedy grouping of unknown faces, and the decisions verify and identify reach
 * ({@link org.facerec.match.Decision}). The search's Spark plan is the jobs' (stage.Matching),
 * its partition functions {@link org.facerec.spark.Matches}.
 */
package org.facerec.match;
