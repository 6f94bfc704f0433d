/**
 * The one place an image becomes an encoding: {@link org.facerec.pipeline.FacePipeline} takes
 * image bytes through hash, decode, detection and alignment (or framing), the face policy and the
 * encoder to a {@link org.facerec.pipeline.FaceResult} with its {@link
 * org.facerec.pipeline.FaceStatus}, as {@link org.facerec.pipeline.EncodeOptions} say. The
 * encoding partitions, {@code face_embed} and the reports' thumbnails all go through it; it knows
 * nothing of Spark rows (that is {@link org.facerec.spark}'s).
 */
package org.facerec.pipeline;
