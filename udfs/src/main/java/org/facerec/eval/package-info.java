/**
 * The evaluation metrics, as pure numeric code on distances (tested without Spark): labelled
 * pairs files (LFW's pairs.txt or CSV), k-fold verification accuracy, ROC AUC, EER and TAR at a
 * FAR ({@link org.facerec.eval.VerificationMetrics}), the threshold for a target FAR
 * ({@link org.facerec.eval.Calibration}), and rank-k and open-set identification
 * ({@link org.facerec.eval.IdentificationMetrics}). It lives in udfs because it is a library of
 * numbers with no driver code; encoding the images, writing the files and the HTML report are the
 * jobs' (evaluate, calibrate, org.facerec.report).
 */
package org.facerec.eval;
