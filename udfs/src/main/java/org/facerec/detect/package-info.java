/**
 * Face detection, landmarks and alignment with face-api.js's networks on DJL's PyTorch engine,
 * offline, with the weights {@code @vladmandic/face-api} 1.7.15 ships (scripts/fetch-models).
 *
 * <ul>
 *   <li>{@link org.facerec.detect.FaceDetector}: {@link org.facerec.detect.SsdMobileNetV1} (512
 *       input, the accurate default) and {@link org.facerec.detect.TinyFaceDetector} (416, the
 *       fast one); boxes and scores in the image's pixels.
 *   <li>{@link org.facerec.detect.FaceLandmarker}: the 68-point landmark net on a box.
 *   <li>{@link org.facerec.detect.FaceAligner}: the chip each encoder expects (dlib's face chip,
 *       OpenFace's outer-eyes-and-nose warp) or a plain square crop of the box.
 *   <li>{@link org.facerec.detect.FaceFinder}: all of it for a batch of images, as
 *       {@link org.facerec.detect.FinderSettings} say (detector, minimum score and size, which
 *       face, whole-image fallback for inputs that are already face crops, alignment).
 * </ul>
 *
 * <p>Preprocessing, box decoding and non-maximum suppression follow face-api.js 0.22.2 on tfjs's
 * cpu backend op by op, quirks included; the golden tests hold the port to its reference outputs
 * (shared data golden/face-detect). Each network's weights load through
 * {@link org.facerec.model.ModelWeights} ({@code readWeights(modelsDir)}, serialisable for a
 * broadcast) and build with {@code create(weights, device)}, once per JVM, as a
 * {@link org.facerec.model.Net}; every call runs on its own predictor, so one instance serves all
 * of an executor's tasks. No Spark here, and no encoding: turning an image into an encoding is
 * {@link org.facerec.pipeline}'s.
 */
package org.facerec.detect;
