package org.facerec.match;

/**
 * What verify and identify decide for an event whose face was encoded and compared; the same
 * person when the distance is strictly below the threshold. An event whose image gave no face
 * gets its {@code FaceStatus} instead (BAD_IMAGE, NO_FACE...).
 */
public enum Decision {
  /** verify: the claimed resident (distance below the threshold, the rank rule agreeing). */
  ACCEPT,
  /** verify: not the claimed resident. */
  REJECT,
  /** verify: nobody is enrolled under the claimed id with a usable photo. */
  UNKNOWN_CLAIM,
  /** identify: the nearest resident, below the threshold. */
  MATCH,
  /** identify: nobody enrolled is near enough. */
  UNKNOWN
}
