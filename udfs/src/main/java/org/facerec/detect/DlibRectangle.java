package org.facerec.detect;

import java.io.Serializable;

/**
 * dlib's {@code rectangle} ({@code dlib/geometry/rectangle.h}): integer corners, both inclusive,
 * so a rectangle is {@code right - left + 1} pixels wide. What dlib's detectors return and what
 * its shape predictor takes; kept as integers so that a port of the predictor can run on exactly
 * dlib's rectangle. May extend past the image's edges.
 */
public record DlibRectangle(long left, long top, long right, long bottom) implements Serializable {

  /** {@code rectangle::width()}: 0 when empty. */
  public long width() {
    return isEmpty() ? 0 : right - left + 1;
  }

  /** {@code rectangle::height()}: 0 when empty. */
  public long height() {
    return isEmpty() ? 0 : bottom - top + 1;
  }

  public long area() {
    return width() * height();
  }

  public boolean isEmpty() {
    return top > bottom || left > right;
  }

  /** {@code rectangle::intersect}: possibly empty. */
  public DlibRectangle intersect(DlibRectangle o) {
    return new DlibRectangle(Math.max(left, o.left), Math.max(top, o.top),
        Math.min(right, o.right), Math.min(bottom, o.bottom));
  }

  /** {@code rectangle::operator+}: the smallest rectangle holding both (empty ones ignored). */
  public DlibRectangle union(DlibRectangle o) {
    if (o.isEmpty()) {
      return this;
    }
    if (isEmpty()) {
      return o;
    }
    return new DlibRectangle(Math.min(left, o.left), Math.min(top, o.top),
        Math.max(right, o.right), Math.max(bottom, o.bottom));
  }

  /**
   * {@code drectangle}'s conversion to {@code rectangle}: each corner rounded with
   * {@code floor(v + 0.5)}.
   */
  static DlibRectangle rounded(double l, double t, double r, double b) {
    return new DlibRectangle((long) Math.floor(l + 0.5), (long) Math.floor(t + 0.5),
        (long) Math.floor(r + 0.5), (long) Math.floor(b + 0.5));
  }

  /**
   * The box as this project's {@link Detection}: {@code x = left}, {@code y = top}, and the
   * rectangle's pixel count as width and height, so that the box covers exactly the pixels dlib's
   * rectangle names.
   */
  public Detection toDetection(double score, Detection.Source source) {
    return new Detection(left, top, width(), height(), score, source);
  }
}
