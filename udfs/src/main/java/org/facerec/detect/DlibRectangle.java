package org.facerec.detect;

import java.io.Serializable;
import java.util.Locale;

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
   * A {@link Detection} box (continuous pixel edges: the box covers {@code [x, x + width)}) as
   * dlib's rectangle: each edge rounded to the nearest pixel edge with {@code floor(v + 0.5)},
   * the right and bottom ones then made inclusive: {@code left = round(x)},
   * {@code right = round(x + width) - 1}, the same vertically. So a dlib rectangle turned into a
   * Detection by {@link #toDetection} comes back unchanged.
   */
  public static DlibRectangle of(Detection box) {
    return new DlibRectangle(round(box.x()), round(box.y()), round(box.right()) - 1,
        round(box.bottom()) - 1);
  }

  private static long round(double v) {
    return (long) Math.floor(v + 0.5);
  }

  /**
   * {@code drectangle}'s conversion to {@code rectangle}: each corner rounded with
   * {@code floor(v + 0.5)}.
   */
  static DlibRectangle rounded(double l, double t, double r, double b) {
    return new DlibRectangle(round(l), round(t), round(r), round(b));
  }

  /**
   * The box as this project's {@link Detection}: {@code x = left}, {@code y = top}, and the
   * rectangle's pixel count as width and height, so that the box covers exactly the pixels dlib's
   * rectangle names.
   */
  public Detection toDetection(double score, Detection.Source source) {
    return new Detection(left, top, width(), height(), score, source);
  }

  @Override
  public String toString() {
    return String.format(Locale.ROOT, "[(%d, %d) (%d, %d)]", left, top, right, bottom);
  }
}
