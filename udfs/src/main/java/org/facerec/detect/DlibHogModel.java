package org.facerec.detect;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * dlib's frontal face detector as the text file {@code dlib_frontal_face_detector.txt} holds it
 * (written by {@code src/test/cpp/dlib_hog_export.cpp}, whose header documents the format; the
 * file's {@code #} lines say where it comes from and carry dlib's Boost licence): the
 * {@code scan_fhog_pyramid<pyramid_down<6>>} scanner's settings, the
 * {@code test_box_overlap} thresholds of its non-max suppression, and per detector its bias and
 * the separable filters dlib convolves with. Immutable after reading.
 *
 * @param cellSize HOG cell side in pixels (8)
 * @param fhogWidth filter width in cells, {@code scan_fhog_pyramid::get_fhog_window_width}
 * @param fhogHeight filter height in cells
 * @param padding cells of the filter outside the detection box (0)
 * @param maxPyramidLevels most levels scanned
 * @param minLayerWidth a level narrower than this (by {@code rect_down}) is not scanned
 * @param minLayerHeight a level lower than this is not scanned
 * @param iouThreshold {@code test_box_overlap}'s intersection-over-union threshold
 * @param coveredThreshold {@code test_box_overlap}'s percent-covered threshold
 * @param detectors the 5 filter banks, in dlib's order (its {@code weight_index})
 */
record DlibHogModel(int cellSize, int fhogWidth, int fhogHeight, int padding,
    long maxPyramidLevels, long minLayerWidth, long minLayerHeight, double iouThreshold,
    double coveredThreshold, List<Bank> detectors) {

  static final String HEADER = "dlib-frontal-face-detector 1";

  /**
   * One detector: {@code threshold} (the bias {@code w(dims)}) and {@code count} separable
   * filters, filter k being row filter {@code rows[k * fhogWidth ..]} and column filter
   * {@code cols[k * fhogHeight ..]} on HOG plane {@code planes[k]}, in dlib's order.
   */
  record Bank(double threshold, int count, int[] planes, float[] rows, float[] cols) {}

  /** The detection box in cells ({@code fhog window - 2 * padding}). */
  int boxWidth() {
    return fhogWidth - 2 * padding;
  }

  int boxHeight() {
    return fhogHeight - 2 * padding;
  }

  static DlibHogModel read(InputStream in) {
    try (BufferedReader r = new BufferedReader(new InputStreamReader(in,
        StandardCharsets.US_ASCII))) {
      String first = r.readLine();
      while (first != null && first.startsWith("#")) {
        first = r.readLine();
      }
      if (!HEADER.equals(first)) {
        throw new IllegalArgumentException("not a " + HEADER + " file");
      }
      int cell = Integer.parseInt(value(r, "cell_size")[0]);
      int padding = Integer.parseInt(value(r, "padding")[0]);
      value(r, "detection_window");
      String[] fw = value(r, "fhog_window");
      int fhogW = Integer.parseInt(fw[0]);
      int fhogH = Integer.parseInt(fw[1]);
      long maxLevels = Long.parseLong(value(r, "max_pyramid_levels")[0]);
      String[] min = value(r, "min_pyramid_layer");
      if (!"6".equals(value(r, "pyramid_down")[0])) {
        throw new IllegalArgumentException("only pyramid_down<6> is implemented");
      }
      String[] overlap = value(r, "overlap");
      int n = Integer.parseInt(value(r, "detectors")[0]);
      List<Bank> banks = new ArrayList<>(n);
      for (int d = 0; d < n; d++) {
        String[] head = value(r, "detector");
        if (Integer.parseInt(head[0]) != d) {
          throw new IllegalArgumentException("detector " + d + " out of order");
        }
        double thresh = Double.parseDouble(head[1]);
        int count = Integer.parseInt(head[2]);
        int[] planes = new int[count];
        float[] rows = new float[count * fhogW];
        float[] cols = new float[count * fhogH];
        for (int k = 0; k < count; k++) {
          String[] f = value(r, "filter");
          if (f.length != 1 + fhogW + fhogH) {
            throw new IllegalArgumentException("filter of detector " + d + " has "
                + (f.length - 1) + " values, expected " + (fhogW + fhogH));
          }
          planes[k] = Integer.parseInt(f[0]);
          if (planes[k] < 0 || planes[k] >= Fhog.PLANES || k > 0 && planes[k] < planes[k - 1]) {
            throw new IllegalArgumentException("bad plane " + planes[k]);
          }
          for (int j = 0; j < fhogW; j++) {
            rows[k * fhogW + j] = Float.parseFloat(f[1 + j]);
          }
          for (int j = 0; j < fhogH; j++) {
            cols[k * fhogH + j] = Float.parseFloat(f[1 + fhogW + j]);
          }
        }
        banks.add(new Bank(thresh, count, planes, rows, cols));
      }
      if (r.readLine() != null) {
        throw new IllegalArgumentException("trailing data");
      }
      return new DlibHogModel(cell, fhogW, fhogH, padding, maxLevels, Long.parseLong(min[0]),
          Long.parseLong(min[1]), Double.parseDouble(overlap[0]),
          Double.parseDouble(overlap[1]), List.copyOf(banks));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static String[] value(BufferedReader r, String key) throws IOException {
    String line = r.readLine();
    if (line == null || !line.startsWith(key + " ")) {
      throw new IllegalArgumentException("expected '" + key + "', got '" + line + "'");
    }
    return line.substring(key.length() + 1).split(" ");
  }
}
