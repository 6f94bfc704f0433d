package org.facerec.pipeline;

/** Per-image outcome, stored in every output row's {@code status} column. */
public enum FaceStatus {
  /** Encoded. */
  OK,
  /** The file is missing, empty, too large, corrupt or not an image; {@code error} says which. */
  BAD_IMAGE,
  /** The input line itself is malformed (a CSV line without its fields): nothing to read. */
  BAD_ROW,
  /** No face was found (with detection). */
  NO_FACE,
  /** Several faces where the policy wants exactly one. */
  MULTIPLE_FACES,
  /** The same content is already enrolled under another path or resident. */
  DUPLICATE,
  /** Enroll only: the file's content is what the table already holds, so it was not re-encoded. */
  UNCHANGED
}
