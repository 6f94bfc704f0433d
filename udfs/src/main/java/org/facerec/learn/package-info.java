/**
 * Learning from an installation's own labelled faces, on top of a frozen encoder.
 *
 * <ul>
 *   <li>{@link org.facerec.learn.AdapterTrainer} trains an {@link org.facerec.model.Adapter}
 *       (a 128-d projection, L2-normalised) with FaceNet's triplet loss and semi-hard negatives
 *       mined in each batch ({@link org.facerec.learn.TripletMiner}), from labelled encodings
 *       ({@code Map<label, List<float[]>>}, as the encoding stage computes them), checking each
 *       epoch on held-out people ({@link org.facerec.learn.PairSet}); the result carries a
 *       {@link org.facerec.learn.TrainingHistory} for the training report.
 *   <li>{@link org.facerec.learn.PairHead} is the learned same-person head (logistic on
 *       {@code |a - b|}, or on the chi-squared term), fitted on labelled pairs, calibrated for a
 *       target FAR, and kept as {@code facerec.head.<model id>.*} conf lines.
 *   <li>{@link org.facerec.learn.FoldedMetrics} measures either on people the fit never saw.
 * </ul>
 *
 * <p>Nothing here needs Spark; training uses DJL's training API on the PyTorch engine (CPU), the
 * rest plain Java.
 */
package org.facerec.learn;
