/**
 * The face encoders: the registry of models ({@link org.facerec.model.FaceModel}: input size,
 * preprocessing, embedding size, default threshold), their networks rebuilt as DJL blocks (dlib's
 * ResNet, OpenFace nn4.small2) from weights read once ({@link org.facerec.model.ModelWeights},
 * serialisable for a Spark broadcast), and {@link org.facerec.model.Net}, the one place a DJL
 * model is made from a block and weights on a device, which the encoder
 * ({@link org.facerec.model.FaceEncoder}) and the detection nets extend. Process-wide libtorch
 * settings are {@link org.facerec.model.Torch}'s; the triplet loss is here for training.
 * No Spark: the per-JVM model holder is {@link org.facerec.spark}'s.
 */
package org.facerec.model;
