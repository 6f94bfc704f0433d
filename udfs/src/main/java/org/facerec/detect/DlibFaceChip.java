package org.facerec.detect;

import org.facerec.image.RgbImage;

/**
 * dlib's face chip, ported step by step from {@code dlib/image_transforms/interpolation.h}
 * (19.24): {@code get_face_chip_details(shape, size, padding)} and
 * {@code extract_image_chip(img, details)} with its defaults (bilinear interpolation, image
 * pyramid for large faces, black outside the image).
 *
 * <ol>
 *   <li>Template: dlib's mean face shape (landmarks 17..67 in a unit square); with 68 landmarks it
 *       uses 27..54 and 60..64 (no eyebrows, no lower lip), each mapped to
 *       {@code (padding + mean) / (2 padding + 1) * size} in the chip.
 *   <li>{@code find_similarity_transform} (Umeyama's least squares: rotation, one scale,
 *       translation) from those chip points to the landmarks. In 2-D its rotation-and-scale part
 *       is {@code [[a, -b], [b, a]] / var(from)} with {@code a = cov00 + cov11} and
 *       {@code b = cov10 - cov01} of the cross-covariance, which is what Umeyama's SVD (with its
 *       reflection guard) gives, written out.
 *   <li>{@code chip_details}: angle {@code atan2} of the first column, scale its length; the chip
 *       rectangle is centred on the image of the chip centre, {@code size * scale - 1} wide
 *       (dlib rectangles count pixels inclusively).
 *   <li>{@code extract_image_chips}: if the rectangle, halved by {@code pyramid_down<2>}, still
 *       holds more pixels than the chip, sample from a pyramid level instead: dlib's 5-tap
 *       {@code [1 4 6 4 1]} filter with integer arithmetic, built over the rotated rectangle's
 *       bounding box grown by 2, 6, 14... pixels and clipped to the image; level coordinates
 *       follow {@code p/2 - (1.25, 0.75)}.
 *   <li>The chip's pixel {@code (c, r)} samples the affine map that takes chip corners (0,0),
 *       (size-1, 0), (0, size-1) to the rotated rectangle's corners: bilinear in double, truncated
 *       to a byte; black where the 2x2 neighbourhood leaves the (sub)image.
 * </ol>
 *
 * <p>One difference from dlib's own use: dlib's shape predictor rounds landmarks to whole
 * pixels; ours keep the landmark net's sub-pixel positions.
 */
final class DlibFaceChip {
  // dlib's mean face shape, landmarks 17..67 (interpolation.h, get_face_chip_details)
  private static final double[] MEAN_X = {
    0.000213256, 0.0752622, 0.18113, 0.29077, 0.393397, 0.586856, 0.689483, 0.799124,
    0.904991, 0.98004, 0.490127, 0.490127, 0.490127, 0.490127, 0.36688, 0.426036,
    0.490127, 0.554217, 0.613373, 0.121737, 0.187122, 0.265825, 0.334606, 0.260918,
    0.182743, 0.645647, 0.714428, 0.793132, 0.858516, 0.79751, 0.719335, 0.254149,
    0.340985, 0.428858, 0.490127, 0.551395, 0.639268, 0.726104, 0.642159, 0.556721,
    0.490127, 0.423532, 0.338094, 0.290379, 0.428096, 0.490127, 0.552157, 0.689874,
    0.553364, 0.490127, 0.42689
  };
  private static final double[] MEAN_Y = {
    0.106454, 0.038915, 0.0187482, 0.0344891, 0.0773906, 0.0773906, 0.0344891,
    0.0187482, 0.038915, 0.106454, 0.203352, 0.307009, 0.409805, 0.515625, 0.587326,
    0.609345, 0.628106, 0.609345, 0.587326, 0.216423, 0.178758, 0.179852, 0.231733,
    0.245099, 0.244077, 0.231733, 0.179852, 0.178758, 0.216423, 0.244077, 0.245099,
    0.780233, 0.745405, 0.727388, 0.742578, 0.727388, 0.745405, 0.780233, 0.864805,
    0.902192, 0.909281, 0.902192, 0.864805, 0.784792, 0.778746, 0.785343, 0.778746,
    0.784792, 0.824182, 0.831803, 0.824182
  };

  private DlibFaceChip() {}

  /** dlib's {@code chip_details}: a rectangle (inclusive corners), a rotation, a size. */
  record Details(Rect rect, double angle, int rows, int cols) {}

  /** dlib's {@code drectangle}: inclusive corners, so width = right - left + 1. */
  record Rect(double left, double top, double right, double bottom) {
    double width() {
      return isEmpty() ? 0 : right - left + 1;
    }

    double height() {
      return isEmpty() ? 0 : bottom - top + 1;
    }

    double area() {
      return width() * height();
    }

    boolean isEmpty() {
      return top > bottom || left > right;
    }

    double centreX() {
      return (left + right) / 2.0;
    }

    double centreY() {
      return (top + bottom) / 2.0;
    }

    /** pyramid_down<2>::rect_down. */
    Rect down() {
      return new Rect(left / 2.0 - 1.25, top / 2.0 - 0.75, right / 2.0 - 1.25, bottom / 2.0 - 0.75);
    }

    Rect translate(double dx, double dy) {
      return new Rect(left + dx, top + dy, right + dx, bottom + dy);
    }

    Rect grow(double by) {
      return new Rect(left - by, top - by, right + by, bottom + by);
    }

    Rect intersect(Rect o) {
      return new Rect(Math.max(left, o.left), Math.max(top, o.top), Math.min(right, o.right),
          Math.min(bottom, o.bottom));
    }

    /** The conversion to dlib's integer {@code rectangle}: each side rounded half up. */
    Rect rounded() {
      return new Rect(Math.floor(left + 0.5), Math.floor(top + 0.5), Math.floor(right + 0.5),
          Math.floor(bottom + 0.5));
    }
  }

  /** dlib's mean position of landmark {@code i} (17..67) in the unit square. */
  static double[] meanShape(int i) {
    return new double[] {MEAN_X[i - 17], MEAN_Y[i - 17]};
  }

  /** {@code get_face_chip_details(shape, size, padding)} for 68 landmarks. */
  static Details details(Landmarks lm, int size, double padding) {
    int n = 0;
    double[] fx = new double[68];
    double[] fy = new double[68];
    double[] tx = new double[68];
    double[] ty = new double[68];
    for (int i = 17; i < 68; i++) {
      if ((55 <= i && i <= 59) || (65 <= i && i <= 67) || i <= 26) {
        continue; // dlib skips the lower lip and the eyebrows
      }
      fx[n] = (padding + MEAN_X[i - 17]) / (2 * padding + 1) * size;
      fy[n] = (padding + MEAN_Y[i - 17]) / (2 * padding + 1) * size;
      tx[n] = lm.x(i);
      ty[n] = lm.y(i);
      n++;
    }
    return details(fx, fy, tx, ty, n, size, size);
  }

  /** {@code chip_details(chip_points, img_points, dims)}. */
  static Details details(double[] fx, double[] fy, double[] tx, double[] ty, int n, int rows,
      int cols) {
    double[] t = similarity(fx, fy, tx, ty, n); // m00, m01, m10, m11, b0, b1
    double px = t[0];
    double py = t[2];
    double angle = Math.atan2(py, px);
    double scale = Math.sqrt(px * px + py * py);
    double cx = cols / 2.0;
    double cy = rows / 2.0;
    double centreX = t[0] * cx + t[1] * cy + t[4];
    double centreY = t[2] * cx + t[3] * cy + t[5];
    double w = cols * scale - 1; // centered_drect: width--, height--
    double h = rows * scale - 1;
    Rect rect = new Rect(centreX - w / 2, centreY - h / 2, centreX + w / 2, centreY + h / 2);
    return new Details(rect, angle, rows, cols);
  }

  /**
   * Least-squares similarity transform taking {@code from} onto {@code to}: {@code {m00, m01,
   * m10, m11, b0, b1}} with {@code to = m * from + b}.
   */
  static double[] similarity(double[] fx, double[] fy, double[] tx, double[] ty, int n) {
    double mfx = 0;
    double mfy = 0;
    double mtx = 0;
    double mty = 0;
    for (int i = 0; i < n; i++) {
      mfx += fx[i];
      mfy += fy[i];
      mtx += tx[i];
      mty += ty[i];
    }
    mfx /= n;
    mfy /= n;
    mtx /= n;
    mty /= n;
    double sigmaFrom = 0;
    double c00 = 0;
    double c01 = 0;
    double c10 = 0;
    double c11 = 0;
    for (int i = 0; i < n; i++) {
      double ax = fx[i] - mfx;
      double ay = fy[i] - mfy;
      double bx = tx[i] - mtx;
      double by = ty[i] - mty;
      sigmaFrom += ax * ax + ay * ay;
      c00 += bx * ax;
      c01 += bx * ay;
      c10 += by * ax;
      c11 += by * ay;
    }
    sigmaFrom /= n;
    double a = (c00 + c11) / n;
    double b = (c10 - c01) / n;
    double m00 = sigmaFrom != 0 ? a / sigmaFrom : 1;
    double m10 = sigmaFrom != 0 ? b / sigmaFrom : 0;
    double b0 = mtx - (m00 * mfx - m10 * mfy);
    double b1 = mty - (m10 * mfx + m00 * mfy);
    return new double[] {m00, -m10, m10, m00, b0, b1};
  }

  /** {@code extract_image_chip(img, details)} with bilinear interpolation. */
  static RgbImage extract(RgbImage img, Details d) {
    int rows = d.rows();
    int cols = d.cols();
    long size = (long) rows * cols;
    Rect rect = d.rect();
    if (d.angle() == 0 && rows == rect.height() && cols == rect.width()) {
      return copy(img, rect.rounded(), rows, cols);
    }
    // how deep the pyramid must go, and the part of the image it is built over
    int depth = 0;
    double grow = 2;
    Rect r = rect.down();
    while (r.area() > size) {
      r = r.down();
      depth++;
      grow = grow * 2 + 2;
    }
    double[][] corners = rotatedCorners(rect, d.angle());
    Rect rot = new Rect(
        Math.min(Math.min(corners[0][0], corners[1][0]), Math.min(corners[2][0], corners[3][0])),
        Math.min(Math.min(corners[0][1], corners[1][1]), Math.min(corners[2][1], corners[3][1])),
        Math.max(Math.max(corners[0][0], corners[1][0]), Math.max(corners[2][0], corners[3][0])),
        Math.max(Math.max(corners[0][1], corners[1][1]), Math.max(corners[2][1], corners[3][1])));
    Rect bounds = rot.grow(grow)
        .intersect(new Rect(0, 0, img.width() - 1, img.height() - 1)).rounded();
    byte[] out = new byte[3 * rows * cols];
    if (bounds.isEmpty()) {
      return new RgbImage(cols, rows, out);
    }
    Plane source = Plane.of(img, (int) bounds.left(), (int) bounds.top(),
        (int) bounds.width(), (int) bounds.height());
    Rect local = rect.translate(-bounds.left(), -bounds.top());
    int level = -1;
    while (local.down().area() > size) {
      level++;
      local = local.down();
    }
    for (int i = 0; i <= level; i++) {
      source = source.pyramidDown();
    }
    // chip corners (0,0), (cols-1,0), (0,rows-1) -> the rotated corners of the rectangle
    double[][] to = rotatedCorners(local, d.angle());
    double ox = to[0][0];
    double oy = to[0][1];
    double axx = (to[1][0] - ox) / (cols - 1);
    double axy = (to[1][1] - oy) / (cols - 1);
    double ayx = (to[2][0] - ox) / (rows - 1);
    double ayy = (to[2][1] - oy) / (rows - 1);
    for (int row = 0; row < rows; row++) {
      for (int col = 0; col < cols; col++) {
        double x = axx * col + ayx * row + ox;
        double y = axy * col + ayy * row + oy;
        source.bilinear(x, y, out, 3 * (row * cols + col));
      }
    }
    return new RgbImage(cols, rows, out);
  }

  /** tl, tr, bl, br of {@code r} rotated by {@code angle} about its centre (rotate_point). */
  private static double[][] rotatedCorners(Rect r, double angle) {
    double cx = r.centreX();
    double cy = r.centreY();
    double sin = Math.sin(angle);
    double cos = Math.cos(angle);
    double[][] pts = {{r.left(), r.top()}, {r.right(), r.top()}, {r.left(), r.bottom()},
        {r.right(), r.bottom()}};
    for (double[] p : pts) {
      double x = p[0] - cx;
      double y = p[1] - cy;
      p[0] = cos * x - sin * y + cx;
      p[1] = sin * x + cos * y + cy;
    }
    return pts;
  }

  /** basic_extract_image_chip: a plain copy of an integer rectangle, black outside the image. */
  private static RgbImage copy(RgbImage img, Rect r, int rows, int cols) {
    byte[] out = new byte[3 * rows * cols];
    int left = (int) r.left();
    int top = (int) r.top();
    for (int y = 0; y < rows; y++) {
      int sy = top + y;
      if (sy < 0 || sy >= img.height()) {
        continue;
      }
      for (int x = 0; x < cols; x++) {
        int sx = left + x;
        if (sx >= 0 && sx < img.width()) {
          System.arraycopy(img.rgb(), 3 * (sy * img.width() + sx), out, 3 * (y * cols + x), 3);
        }
      }
    }
    return new RgbImage(cols, rows, out);
  }

  /** An RGB raster (a sub-image or a pyramid level) as ints. */
  private record Plane(int width, int height, int[] rgb) {
    static Plane of(RgbImage img, int x0, int y0, int w, int h) {
      int[] v = new int[3 * w * h];
      byte[] src = img.rgb();
      for (int y = 0; y < h; y++) {
        int s = 3 * ((y0 + y) * img.width() + x0);
        int d = 3 * y * w;
        for (int k = 0; k < 3 * w; k++) {
          v[d + k] = src[s + k] & 0xff;
        }
      }
      return new Plane(w, h, v);
    }

    /** pyramid_down<2> on RGB: 5-tap [1 4 6 4 1] rows then columns, integer, / 256. */
    Plane pyramidDown() {
      if (height <= 8 || width <= 8) {
        return new Plane(0, 0, new int[0]);
      }
      int tw = (width - 3) / 2;
      int[] tmp = new int[3 * height * tw];
      for (int r = 0; r < height; r++) {
        for (int c = 0; c < tw; c++) {
          int o = 3 * (r * width + 2 * c);
          for (int k = 0; k < 3; k++) {
            tmp[3 * (r * tw + c) + k] = rgb[o + k] + 4 * rgb[o + 3 + k] + 6 * rgb[o + 6 + k]
                + 4 * rgb[o + 9 + k] + rgb[o + 12 + k];
          }
        }
      }
      int dh = (height - 3) / 2;
      int[] down = new int[3 * dh * tw];
      int dr = 0;
      for (int r = 2; r < height - 2; r += 2) {
        for (int c = 0; c < 3 * tw; c++) {
          int row = 3 * tw;
          int i = r * row + c;
          down[dr * row + c] = (tmp[i - 2 * row] + 4 * tmp[i - row] + 6 * tmp[i]
              + 4 * tmp[i + row] + tmp[i + 2 * row]) / 256;
        }
        dr++;
      }
      return new Plane(tw, dh, down);
    }

    /** interpolate_bilinear: false (black) unless the 2x2 neighbourhood is inside. */
    void bilinear(double x, double y, byte[] out, int o) {
      int left = (int) Math.floor(x);
      int top = (int) Math.floor(y);
      if (!(left >= 0 && top >= 0 && left + 1 < width && top + 1 < height)) {
        return;
      }
      double lr = x - left;
      double tb = y - top;
      int tl = 3 * (top * width + left);
      int bl = tl + 3 * width;
      for (int k = 0; k < 3; k++) {
        double v = (1 - tb) * ((1 - lr) * rgb[tl + k] + lr * rgb[tl + 3 + k])
            + tb * ((1 - lr) * rgb[bl + k] + lr * rgb[bl + 3 + k]);
        out[o + k] = (byte) (int) v;
      }
    }
  }
}
