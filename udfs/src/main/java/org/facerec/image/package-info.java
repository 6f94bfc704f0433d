/**
 * Images as the encoders see them: decoding any input (JPEG, PNG, GIF, 16-bit, grey, CMYK) to
 * 8-bit RGB behind the input guards ({@link org.facerec.image.ImageDecoder}: size from the header
 * before a pixel is decoded), resizing with one anti-aliased bilinear method everywhere
 * ({@link org.facerec.image.Resize}), and framing a whole image as the encoder's square input
 * when no face is detected ({@link org.facerec.image.Framing}). Pure Java, no Spark, no DJL;
 * finding faces is {@link org.facerec.detect}'s.
 */
package org.facerec.image;
