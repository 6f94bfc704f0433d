package org.facerec.detect;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import org.facerec.image.RgbImage;

/**
 * dlib 19.24's HOG frontal face detector ({@code dlib::get_frontal_face_detector()}) in pure
 * Java, run as dlib's Python binding runs {@code detector(img, upsample)} /
 * {@code detector.run(img, upsample, adjust_threshold)}: the same rectangles, the same scores.
 *
 * <p>The model ({@code dlib_frontal_face_detector.txt}, next to this class) is dlib's own: the
 * five 80x80-pixel filters serialized in {@code dlib/image_processing/frontal_face_detector.h}
 * (Davis E. King, Boost Software License 1.0), exported as the separable filter banks dlib builds
 * from them by {@code src/test/cpp/dlib_hog_export.cpp}.
 *
 * <p>Steps, each from the dlib header named:
 * <ol>
 *   <li>upsampling, {@code upsample} times: {@code pyramid_up} with {@code pyramid_down<2>}
 *       (about 2x; {@code interpolation.h}), see {@link DlibPyramid};
 *   <li>the levels of a {@code pyramid_down<6>} pyramid (each 5/6 of the one before) while the
 *       level is at least 64x64 ({@code scan_fhog_pyramid.h}, {@code create_fhog_pyramid});
 *   <li>per level, dlib's 31-plane HOG with 8-pixel cells, padded for the 10x10-cell filters
 *       ({@code fhog.h}), see {@link Fhog};
 *   <li>per detector, its score image (separable filters, {@link FhogScan}); every position
 *       whose score reaches the detector's bias plus {@code adjust_threshold} is a candidate,
 *       its 80x80 box mapped back to the image ({@code fhog_to_image}, {@code rect_up});
 *   <li>{@code object_detector::operator()} ({@code object_detector.h}): each detector's
 *       candidates sorted best first, all five's together sorted again by
 *       {@code score - bias}, then greedy non-max suppression across all five with
 *       {@code test_box_overlap} (IoU above 0.33, or more than 79% of either box covered;
 *       {@code box_overlap_testing.h}); both sorts are libstdc++'s unstable {@code std::sort}
 *       ({@link LibstdcxxSort}), so ties end where dlib's do;
 *   <li>the kept rectangles mapped back through the upsampling ({@code pyramid_down<2>::
 *       rect_down}).
 * </ol>
 *
 * <p>Float for float: dlib's SIMD and scalar code paths (which round differently) are both
 * ported as dlib compiles for plain x86-64 (SSE2: what {@code g++ -O2} without {@code -march}
 * builds, like {@code src/test/cpp/dlib_hog_detect.cpp}). A dlib built for SSE3 or newer (its
 * CMake options {@code USE_SSE4_INSTRUCTIONS}, {@code USE_AVX_INSTRUCTIONS}) adds the four
 * lanes of a HOG block sum in another order: built with {@code -mavx}, it gave the same
 * rectangles on all of {@code DlibHogDetectorGoldenTest}'s runs and scores that differ by up to
 * 1.4e-6 (a few float ulps of the response; 224 of 276 equal).
 *
 * <p>The port follows dlib's code (Boost Software License 1.0, whose text the model file
 * carries); dlib's HOG in turn derives from Felzenszwalb, Girshick, McAllester and Ramanan's
 * voc-release {@code features.cc}, under the MIT-style licence quoted in dlib's {@code fhog.h}.
 *
 * <p>Scores are dlib's {@code detection_confidence}: the SVM margin (filter response minus bias),
 * not a probability; 0 is dlib's default threshold and faces typically score 0 to 3.
 * {@code minScore} is dlib's {@code adjust_threshold}: a candidate is kept when its response
 * reaches {@code bias + minScore}; below 0 finds more (and worse) faces.
 *
 * <p>Immutable and thread-safe: one instance per JVM; each call works in its thread's own
 * reusable buffers (dropped after a call on a very large image).
 */
public final class DlibHogDetector implements FaceDetector {
  public static final String MODEL_ID = "dlib-hog-frontal-face";
  /** The model file, a resource next to this class. */
  public static final String MODEL_RESOURCE = "dlib_frontal_face_detector.txt";
  /** dlib's Python {@code detector(img, 1)}, face_recognition's default. */
  public static final int DEFAULT_UPSAMPLE = 1;
  /** dlib's default {@code adjust_threshold}. */
  public static final double DEFAULT_MIN_SCORE = 0;
  /** A thread keeps its buffers between calls only up to this size. */
  private static final long KEEP_BUFFER_BYTES = 64L << 20;
  private static final ThreadLocal<Buffers> BUFFERS = ThreadLocal.withInitial(Buffers::new);

  private final DlibHogModel model;
  private final int upsample;

  private DlibHogDetector(DlibHogModel model, int upsample) {
    if (upsample < 0) {
      throw new IllegalArgumentException("upsample must be 0 or more, got " + upsample);
    }
    this.model = model;
    this.upsample = upsample;
  }

  /** The bundled dlib model, upsampling once ({@link #DEFAULT_UPSAMPLE}). */
  public static DlibHogDetector create() {
    return create(DEFAULT_UPSAMPLE);
  }

  /**
   * The bundled dlib model, upsampling each image {@code upsample} times before detection
   * (0, 1 or 2 as dlib's Python {@code detector(img, upsample)}: each doubles the side, finds
   * faces half as large, and costs about four times as much).
   */
  public static DlibHogDetector create(int upsample) {
    return new DlibHogDetector(BundledModel.MODEL, upsample);
  }

  /** The same model with another upsampling. */
  public DlibHogDetector withUpsample(int n) {
    return n == upsample ? this : new DlibHogDetector(model, n);
  }

  public int upsample() {
    return upsample;
  }

  DlibHogModel model() {
    return model;
  }

  @Override
  public String modelId() {
    return MODEL_ID;
  }

  /** dlib's default, 0 (its {@code adjust_threshold}; scores are SVM margins). */
  @Override
  public double defaultMinScore() {
    return DEFAULT_MIN_SCORE;
  }

  @Override
  public List<List<Detection>> detect(List<RgbImage> images, double minScore) {
    List<List<Detection>> out = new ArrayList<>(images.size());
    for (RgbImage img : images) {
      List<DlibHogDetection> found = detectRectangles(img, minScore);
      List<Detection> boxes = new ArrayList<>(found.size());
      for (DlibHogDetection d : found) {
        boxes.add(d.toDetection());
      }
      out.add(boxes);
    }
    return out;
  }

  /** dlib's detections at its default threshold: {@code detector.run(img, upsample, 0)}. */
  public List<DlibHogDetection> detectRectangles(RgbImage image) {
    return detectRectangles(image, DEFAULT_MIN_SCORE);
  }

  /**
   * dlib's detections with their rectangles, scores and filters, best first:
   * {@code detector.run(img, upsample, adjustThreshold)}.
   */
  public List<DlibHogDetection> detectRectangles(RgbImage image, double adjustThreshold) {
    return detectRectangles(image, adjustThreshold, null);
  }

  /** Time spent per stage, in nanoseconds of {@code clock}, summed over calls (benchmarks). */
  static final class StageTimes {
    final java.util.function.LongSupplier clock;
    long upsample;
    long pyramid;
    long fhog;
    long scan;
    long nms;
    int images;

    StageTimes(java.util.function.LongSupplier clock) {
      this.clock = clock;
    }
  }

  List<DlibHogDetection> detectRectangles(RgbImage image, double adjustThreshold,
      StageTimes times) {
    Buffers b = BUFFERS.get();
    try {
      return run(image, adjustThreshold, times, b);
    } finally {
      if (b.bytes() > KEEP_BUFFER_BYTES) {
        BUFFERS.remove();
      }
    }
  }

  private List<DlibHogDetection> run(RgbImage image, double adjust, StageTimes times,
      Buffers b) {
    long t0 = times == null ? 0 : times.clock.getAsLong();
    byte[] img = image.rgb();
    int w = image.width();
    int h = image.height();
    for (int k = 0; k < upsample; k++) {
      int[] size = DlibPyramid.upSize(w, h);
      byte[] up = b.image(k % 2, size[0], size[1]);
      DlibPyramid.resizeRgb(img, w, h, up, size[0], size[1]);
      img = up;
      w = size[0];
      h = size[1];
    }
    long t1 = times == null ? 0 : times.clock.getAsLong();
    long pyramid = 0;
    long fhog = 0;
    long scan = 0;

    final int fw = model.fhogWidth();
    final int fh = model.fhogHeight();
    final List<DlibHogModel.Bank> banks = model.detectors();
    final int levels = DlibPyramid.levels(w, h, model.minLayerWidth(), model.minLayerHeight(),
        model.maxPyramidLevels());
    b.clearCandidates(banks.size());
    byte[] level = img;
    int lw = w;
    int lh = h;
    for (int l = 0; l < levels; l++) {
      long s0 = times == null ? 0 : times.clock.getAsLong();
      if (l > 0) {
        int nw = DlibPyramid.downSize(lw);
        int nh = DlibPyramid.downSize(lh);
        byte[] down = b.image(2 + l % 2, nw, nh);
        DlibPyramid.resizeRgb(level, lw, lh, down, nw, nh);
        level = down;
        lw = nw;
        lh = nh;
      }
      long s1 = times == null ? 0 : times.clock.getAsLong();
      Fhog.Geometry g = Fhog.geometry(lw, lh, model.cellSize(), fh, fw);
      if (g.empty()) {
        pyramid += s1 - s0;
        continue;
      }
      float[] planes = b.planes(Fhog.PLANES * g.planeSize());
      Fhog.extract(level, lw, lh, model.cellSize(), fh, fw, g, planes, b.fhog);
      long s2 = times == null ? 0 : times.clock.getAsLong();
      FhogScan.Area area = FhogScan.Area.of(g.planeW(), g.planeH(), fw, fh);
      float[][] sal = b.saliency(banks.size(), g.planeSize());
      FhogScan.saliency(banks, fw, fh, planes, g.planeW(), g.planeH(), area, sal, b.scan);
      for (int d = 0; d < banks.size(); d++) {
        collect(sal[d], g.planeW(), area, banks.get(d).threshold() + adjust, l,
            b.candidates.get(d));
      }
      long s3 = times == null ? 0 : times.clock.getAsLong();
      pyramid += s1 - s0;
      fhog += s2 - s1;
      scan += s3 - s2;
    }
    long t2 = times == null ? 0 : times.clock.getAsLong();
    List<DlibHogDetection> out = suppress(banks, b.candidates);
    if (upsample > 0) {
      for (int i = 0; i < out.size(); i++) {
        DlibHogDetection d = out.get(i);
        out.set(i, new DlibHogDetection(DlibPyramid.rectDown2(d.rect(), upsample), d.score(),
            d.filter()));
      }
    }
    if (times != null) {
      long t3 = times.clock.getAsLong();
      times.upsample += t1 - t0;
      times.pyramid += pyramid;
      times.fhog += fhog;
      times.scan += scan;
      times.nms += t3 - t2;
      times.images++;
    }
    return out;
  }

  /** A position that reached the threshold: its response and box (upsampled image's pixels). */
  private record Candidate(double response, DlibRectangle rect) {}

  /** A candidate of detector {@code filter}, with {@code score = response - bias}. */
  private record Scored(double score, int filter, DlibRectangle rect) {}

  /**
   * {@code impl::detect_from_fhog_pyramid}: every position of the valid area, row by row, whose
   * response reaches {@code thresh} ({@code float >= double}); its box is the detection window
   * centred there ({@code centered_rect}) mapped to image pixels ({@code fhog_to_image}) and up
   * {@code level} levels ({@code pyramid_down<6>::rect_up}).
   */
  private void collect(float[] sal, int planeW, FhogScan.Area a, double thresh, int level,
      List<Candidate> out) {
    for (int r = a.firstRow(); r < a.lastRow(); r++) {
      int row = r * planeW;
      for (int c = a.firstCol(); c < a.lastCol(); c++) {
        float v = sal[row + c];
        if (v >= thresh) {
          out.add(new Candidate(v, box(c, r, level)));
        }
      }
    }
  }

  private DlibRectangle box(long c, long r, int level) {
    long bw = model.boxWidth();
    long bh = model.boxHeight();
    long left = c - bw / 2;
    long top = r - bh / 2;
    long right = left + bw - 1;
    long bottom = top + bh - 1;
    return DlibPyramid.rectUp6(fhogToImageX(left), fhogToImageY(top), fhogToImageX(right),
        fhogToImageY(bottom), level);
  }

  /**
   * {@code fhog_to_image(p, cell_size, rows_padding, cols_padding)}: the cell's centre pixel,
   * {@code (p + 1 - (padding - 1) / 2) * cell + 1}, then half a cell out from the origin.
   */
  private long fhogToImageX(long x) {
    long cell = model.cellSize();
    long p = (x + 1 - (model.fhogWidth() - 1) / 2) * cell + 1;
    return p + (p >= 0 ? cell / 2 : -cell / 2);
  }

  private long fhogToImageY(long y) {
    long cell = model.cellSize();
    long p = (y + 1 - (model.fhogHeight() - 1) / 2) * cell + 1;
    return p + (p >= 0 ? cell / 2 : -cell / 2);
  }

  /**
   * {@code object_detector::operator()}: per detector its candidates sorted best first
   * ({@code std::sort(dets.rbegin(), dets.rend(), compare_pair_rect)}), scored
   * {@code response - bias}; all detectors' together sorted best first (when there are several);
   * a candidate is kept unless it overlaps one kept before it, whichever detector found either.
   */
  private List<DlibHogDetection> suppress(List<DlibHogModel.Bank> banks,
      List<List<Candidate>> candidates) {
    int total = 0;
    for (List<Candidate> c : candidates) {
      total += c.size();
    }
    Scored[] accum = new Scored[total];
    int n = 0;
    for (int d = 0; d < banks.size(); d++) {
      List<Candidate> list = candidates.get(d);
      Candidate[] dets = list.toArray(new Candidate[0]);
      LibstdcxxSort.sortReversed(dets, dets.length, (x, y) -> x.response() < y.response());
      double thresh = banks.get(d).threshold();
      for (Candidate c : dets) {
        accum[n++] = new Scored(c.response() - thresh, d, c.rect());
      }
    }
    if (banks.size() > 1) {
      LibstdcxxSort.sortReversed(accum, n, (x, y) -> x.score() < y.score());
    }
    List<DlibHogDetection> kept = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      Scored s = accum[i];
      boolean overlaps = false;
      for (DlibHogDetection k : kept) {
        if (overlap(k.rect(), s.rect())) {
          overlaps = true;
          break;
        }
      }
      if (!overlaps) {
        kept.add(new DlibHogDetection(s.rect(), s.score(), s.filter()));
      }
    }
    return kept;
  }

  /**
   * {@code test_box_overlap::operator()}: the intersection is more than {@code iou} of the
   * union's area ({@code a + b}: the bounding rectangle), or more than {@code covered} of
   * either box.
   */
  private boolean overlap(DlibRectangle a, DlibRectangle b) {
    double inner = a.intersect(b).area();
    if (inner == 0) {
      return false;
    }
    double outer = a.union(b).area();
    return inner / outer > model.iouThreshold()
        || inner / a.area() > model.coveredThreshold()
        || inner / b.area() > model.coveredThreshold();
  }

  /** Nothing to release: the model is plain arrays. */
  @Override
  public void close() {}

  /** One thread's working arrays, grown as needed. */
  private static final class Buffers {
    final byte[][] images = new byte[4][];
    float[] planes = new float[0];
    float[][] saliency = new float[0][];
    final Fhog.Buffers fhog = new Fhog.Buffers();
    final FhogScan.Buffers scan = new FhogScan.Buffers();
    final List<List<Candidate>> candidates = new ArrayList<>();

    /** Image buffer {@code slot} (0, 1: upsampling; 2, 3: pyramid levels) of w x h pixels. */
    byte[] image(int slot, int w, int h) {
      long size = 3L * w * h;
      if (size > Integer.MAX_VALUE - 16) {
        throw new IllegalArgumentException("image too large for dlib's HOG detector: " + w
            + "x" + h + " after upsampling");
      }
      if (images[slot] == null || images[slot].length < size) {
        images[slot] = new byte[(int) size];
      }
      return images[slot];
    }

    float[] planes(int size) {
      if (planes.length < size) {
        planes = new float[size];
      }
      return planes;
    }

    float[][] saliency(int banks, int size) {
      if (saliency.length < banks || saliency[0].length < size) {
        saliency = new float[banks][size];
      }
      return saliency;
    }

    void clearCandidates(int n) {
      while (candidates.size() < n) {
        candidates.add(new ArrayList<>());
      }
      for (List<Candidate> c : candidates) {
        c.clear();
      }
    }

    long bytes() {
      long sum = 4L * planes.length + fhog.bytes() + scan.bytes();
      for (float[] s : saliency) {
        sum += 4L * s.length;
      }
      for (byte[] i : images) {
        sum += i == null ? 0 : i.length;
      }
      return sum;
    }
  }

  /** The bundled model, read once per JVM (on first use). */
  private static final class BundledModel {
    static final DlibHogModel MODEL = read();

    private static DlibHogModel read() {
      try (InputStream in = DlibHogDetector.class.getResourceAsStream(MODEL_RESOURCE)) {
        if (in == null) {
          throw new IllegalStateException("resource " + MODEL_RESOURCE + " is missing");
        }
        return DlibHogModel.read(in);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }
}
