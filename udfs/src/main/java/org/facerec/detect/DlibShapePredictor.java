package org.facerec.detect;

import java.io.IOException;
import java.io.InputStream;
import java.io.Serializable;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Locale;
import org.facerec.image.RgbImage;

/**
 * dlib's shape predictor (Kazemi and Sullivan's ensemble of regression trees), ported from dlib
 * 19.24's {@code dlib/image_processing/shape_predictor.h}: it reads dlib's own serialised model
 * (e.g. {@code shape_predictor_68_face_landmarks.dat}) and gives the landmarks of the face in a
 * box, in image pixels, as dlib's {@code sp(img, rect)} computes them for a
 * {@code matrix<rgb_pixel>} image. The golden test holds it to dlib itself within 0.01 px; the
 * shapes agree bit for bit (Java's float arithmetic, like dlib's x86-64 build, rounds every
 * operation, with no fused multiply-add), so the coordinates differ only by the noise of dlib's
 * final map (below).
 *
 * <p>Prediction, as {@code shape_predictor::operator()}: start from the model's mean shape, in
 * box units ((0,0) the box's top-left corner, (1,1) its bottom-right); then for each cascade:
 * <ol>
 *   <li>{@code find_tform_between_shapes(initial, current)}: the least-squares similarity
 *       transform (Umeyama) from the mean shape to the current one, in double, then cast to
 *       float ({@code matrix_cast<float>}). Its 2-D closed form {@code [[a, -b], [b, a]] / var}
 *       with {@code a = cov00 + cov11}, {@code b = cov10 - cov01} is what dlib's SVD with its
 *       reflection guard gives (geometry/point_transforms.h, {@code find_similarity_transform}).
 *   <li>{@code extract_feature_pixel_values}: each feature pixel is an anchor landmark plus a
 *       delta, {@code tform * delta + current[anchor]} in float, mapped to the image by
 *       {@code unnormalizing_tform(rect)} in double and rounded to a pixel with
 *       {@code floor(v + 0.5)} (geometry/vector.h's float-to-integer point conversion); its value
 *       is the pixel's intensity, {@code (R + G + B) / 3} in integers (pixel.h, {@code assign}
 *       of an rgb pixel to a grey one, which {@code get_pixel_intensity} uses), or 0 outside the
 *       image.
 *   <li>Every tree of the cascade: from the root, go left when
 *       {@code value[idx1] - value[idx2] > thresh} (floats), else right, down to a leaf; add the
 *       leaf's vector to the current shape (float).
 * </ol>
 * The final shape goes through {@code unnormalizing_tform(rect)}. dlib then rounds each point to
 * integers ({@code full_object_detection} holds {@code point}s); this class keeps the unrounded
 * coordinates, and {@link #roundedAsDlib} gives dlib's points.
 *
 * <p>{@code unnormalizing_tform} maps (0,0) to the rectangle's top-left corner and (1,1) to its
 * bottom-right one: {@code x = left + (right - left) u}, {@code y = top + (bottom - top) v}.
 * dlib fits that map by least squares through a pseudo-inverse (LAPACK's SVD), which lands within
 * about 1e-12 of the exact map used here (measured up to 1.4e-12, on boxes up to 5,000 px); the
 * two can round a feature pixel differently only when a position falls exactly on a half pixel.
 *
 * <p>The box is dlib's integer {@link DlibRectangle} (inclusive corners); {@link DlibRectangle#of} states
 * how a {@link Detection} maps to one. Loading follows dlib/serialize.h: the model is
 * {@code int version (1), matrix<float,0,1> initial_shape, vector<vector<regression_tree>>
 * forests, vector<vector<unsigned long>> anchor_idx, vector<vector<vector<float,2>>> deltas},
 * each tree {@code vector<split_feature{unsigned long idx1, idx2; float thresh}>} and
 * {@code vector<matrix<float,0,1>> leaf_values}. A truncated or corrupt file fails with an
 * {@link IOException} naming the file, the byte offset and what was being read.
 *
 * <p>Immutable and thread-safe after loading: one instance per JVM serves every task. The trees
 * live in flat primitive arrays (the 68-point model: 15 cascades of 500 depth-4 trees, about 65 MB
 * of leaf values); a prediction allocates only small arrays (the shape, the 500 feature values,
 * the result).
 */
public final class DlibShapePredictor implements Serializable {
  private static final long serialVersionUID = 1L;

  /** The 68-point model's file name, in the models folder. */
  public static final String MODEL_FILE = "shape_predictor_68_face_landmarks.dat";

  private final String checksum;
  private final int parts;
  private final float[] initialShape;
  // the initial shape centred on its mean, and its variance: find_similarity_transform's
  // from-side terms, the same for every prediction
  private final double[] fromCentred;
  private final double fromVariance;
  // cascade c's feature pixels are pixStart[c]..pixStart[c+1]-1; its trees
  // treeStart[c]..treeStart[c+1]-1
  private final int[] pixStart;
  private final int[] anchor;
  private final float[] deltaX;
  private final float[] deltaY;
  private final int[] treeStart;
  // tree t's splits are splitStart[t]..splitStart[t+1]-1 and its leaves
  // leafStart[t]..leafStart[t+1]-1, each leaf 2 * parts floats of leafValues
  private final int[] splitStart;
  private final int[] split1;
  private final int[] split2;
  private final float[] thresh;
  private final int[] leafStart;
  private final float[] leafValues;
  private final int maxPixels;

  private DlibShapePredictor(Parsed p) {
    this.checksum = p.checksum;
    this.initialShape = p.initialShape;
    this.parts = initialShape.length / 2;
    this.pixStart = p.pixStart;
    this.anchor = p.anchor;
    this.deltaX = p.deltaX;
    this.deltaY = p.deltaY;
    this.treeStart = p.treeStart;
    this.splitStart = p.splitStart;
    this.split1 = p.split1;
    this.split2 = p.split2;
    this.thresh = p.thresh;
    this.leafStart = p.leafStart;
    this.leafValues = p.leafValues;
    int max = 0;
    for (int c = 0; c + 1 < pixStart.length; c++) {
      max = Math.max(max, pixStart[c + 1] - pixStart[c]);
    }
    this.maxPixels = max;
    // find_similarity_transform's means, centred points and variance (double sums in order)
    double mx = 0;
    double my = 0;
    for (int i = 0; i < parts; i++) {
      mx += initialShape[2 * i];
      my += initialShape[2 * i + 1];
    }
    mx /= parts;
    my /= parts;
    this.fromCentred = new double[2 * parts];
    double var = 0;
    for (int i = 0; i < parts; i++) {
      double dx = initialShape[2 * i] - mx;
      double dy = initialShape[2 * i + 1] - my;
      fromCentred[2 * i] = dx;
      fromCentred[2 * i + 1] = dy;
      var += dx * dx + dy * dy;
    }
    this.fromVariance = var / parts;
  }

  /** {@code modelsDir/shape_predictor_68_face_landmarks.dat}. */
  public static Path modelFile(Path modelsDir) {
    return modelsDir.resolve(MODEL_FILE);
  }

  /** Reads the 68-point model from the models folder; fails naming the file when it is absent. */
  public static DlibShapePredictor fromModelsDir(Path modelsDir) throws IOException {
    Path file = modelFile(modelsDir);
    if (!Files.isRegularFile(file)) {
      throw new NoSuchFileException(file.toString(), null,
          "dlib's 68-point shape predictor is not in the models folder");
    }
    return read(file);
  }

  /** Reads a dlib {@code shape_predictor} file (memory-mapped while it is parsed). */
  public static DlibShapePredictor read(Path file) throws IOException {
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
      long size = ch.size();
      if (size > Integer.MAX_VALUE) {
        throw new IOException(file + ": " + size + " bytes, too large for a shape_predictor");
      }
      // mapped, not read: a 100 MB heap copy costs more than the parse
      return new DlibShapePredictor(new Parser(ch.map(FileChannel.MapMode.READ_ONLY, 0, size),
          file.toString()).parse());
    }
  }

  /** Reads a serialised dlib {@code shape_predictor} to its end; {@code name} is for messages. */
  public static DlibShapePredictor read(InputStream in, String name) throws IOException {
    return read(in.readAllBytes(), name);
  }

  /** Reads a serialised dlib {@code shape_predictor}; {@code name} is for messages. */
  public static DlibShapePredictor read(byte[] bytes, String name) throws IOException {
    return new DlibShapePredictor(new Parser(ByteBuffer.wrap(bytes), name).parse());
  }

  /** SHA-256 of the model's bytes (lower-case hex), to key caches and check goldens. */
  public String checksum() {
    return checksum;
  }

  /** Landmarks per face (68 for the 68-point model). */
  public int numParts() {
    return parts;
  }

  /** Cascades (15 in the 68-point model). */
  public int numCascades() {
    return pixStart.length - 1;
  }

  /** Regression trees over all cascades (7,500 in the 68-point model). */
  public int numTrees() {
    return splitStart.length - 1;
  }

  /** The 68 landmarks of the face in {@code box}, as a dlib rectangle by {@link DlibRectangle#of}. */
  public Landmarks predict(RgbImage image, Detection box) {
    return predict(image, DlibRectangle.of(box));
  }

  /** The 68 landmarks of the face in dlib's rectangle {@code rect}, unrounded, in image pixels. */
  public Landmarks predict(RgbImage image, DlibRectangle rect) {
    if (parts != Landmarks.COUNT) {
      throw new IllegalStateException("the model has " + parts + " parts, not 68; use predictXy");
    }
    return new Landmarks(predictXy(image, rect));
  }

  /**
   * The landmarks ({@code x0, y0, x1, y1, ...}, {@link #numParts} points) of the face in
   * {@code rect}, unrounded, in image pixels. The rectangle may extend past the image (pixels
   * outside count as 0, as in dlib) but must span at least two pixels each way.
   */
  public double[] predictXy(RgbImage image, DlibRectangle rect) {
    long w = rect.right() - rect.left();
    long h = rect.bottom() - rect.top();
    if (w < 1 || h < 1) {
      throw new IllegalArgumentException("a shape predictor box must span at least 2 pixels each "
          + "way (right > left, bottom > top); got " + rect);
    }
    double sx = w;
    double sy = h;
    double ox = rect.left();
    double oy = rect.top();
    int width = image.width();
    int height = image.height();
    byte[] rgb = image.rgb();
    int coords = 2 * parts;
    float[] shape = initialShape.clone();
    float[] values = new float[maxPixels];
    float[] tform = new float[4];
    for (int c = 0; c + 1 < pixStart.length; c++) {
      similarity(shape, tform);
      float t00 = tform[0];
      float t01 = tform[1];
      float t10 = tform[2];
      float t11 = tform[3];
      int p0 = pixStart[c];
      int n = pixStart[c + 1] - p0;
      for (int j = 0; j < n; j++) {
        int a = 2 * anchor[p0 + j];
        float dx = deltaX[p0 + j];
        float dy = deltaY[p0 + j];
        // tform * delta + location(current, anchor), in float as dlib's matrix<float> does
        float u = t00 * dx + t01 * dy + shape[a];
        float v = t10 * dx + t11 * dy + shape[a + 1];
        // unnormalizing_tform, then dlib's point conversion
        long x = (long) Math.floor(sx * u + ox + 0.5);
        long y = (long) Math.floor(sy * v + oy + 0.5);
        if (x >= 0 && x < width && y >= 0 && y < height) {
          int o = 3 * ((int) y * width + (int) x);
          values[j] = ((rgb[o] & 0xff) + (rgb[o + 1] & 0xff) + (rgb[o + 2] & 0xff)) / 3;
        } else {
          values[j] = 0;
        }
      }
      for (int t = treeStart[c]; t < treeStart[c + 1]; t++) {
        int s0 = splitStart[t];
        int splits = splitStart[t + 1] - s0;
        int i = 0;
        while (i < splits) {
          int s = s0 + i;
          i = values[split1[s]] - values[split2[s]] > thresh[s] ? 2 * i + 1 : 2 * i + 2;
        }
        int off = (leafStart[t] + i - splits) * coords;
        for (int k = 0; k < coords; k++) {
          shape[k] += leafValues[off + k];
        }
      }
    }
    double[] xy = new double[coords];
    for (int i = 0; i < parts; i++) {
      xy[2 * i] = sx * shape[2 * i] + ox;
      xy[2 * i + 1] = sy * shape[2 * i + 1] + oy;
    }
    return xy;
  }

  /**
   * dlib's integer points: each coordinate rounded with {@code floor(v + 0.5)}, as the
   * {@code full_object_detection} that dlib's {@code sp(img, rect)} returns holds them.
   */
  public static Landmarks roundedAsDlib(Landmarks landmarks) {
    double[] xy = landmarks.xy().clone();
    for (int i = 0; i < xy.length; i++) {
      xy[i] = Math.floor(xy[i] + 0.5);
    }
    return new Landmarks(xy);
  }

  /**
   * {@code find_tform_between_shapes(initial, current).get_m()} cast to float: the similarity
   * transform's rotation-and-scale part, row-major into {@code out}. Sums in double in dlib's
   * order. One landmark means the identity, as in dlib; so does a mean shape of coincident points
   * (dlib: a zero covariance, whose SVD is the identity, and scale 1).
   */
  private void similarity(float[] to, float[] out) {
    if (parts == 1 || fromVariance == 0) {
      out[0] = 1;
      out[1] = 0;
      out[2] = 0;
      out[3] = 1;
      return;
    }
    double mx = 0;
    double my = 0;
    for (int i = 0; i < parts; i++) {
      mx += to[2 * i];
      my += to[2 * i + 1];
    }
    mx /= parts;
    my /= parts;
    double c00 = 0;
    double c01 = 0;
    double c10 = 0;
    double c11 = 0;
    for (int i = 0; i < parts; i++) {
      double tx = to[2 * i] - mx;
      double ty = to[2 * i + 1] - my;
      double fx = fromCentred[2 * i];
      double fy = fromCentred[2 * i + 1];
      c00 += tx * fx;
      c01 += tx * fy;
      c10 += ty * fx;
      c11 += ty * fy;
    }
    c00 /= parts;
    c01 /= parts;
    c10 /= parts;
    c11 /= parts;
    double a = c00 + c11;
    double b = c10 - c01;
    // c r = trace(D S) / var * U S V' = [[a, -b], [b, a]] / var
    out[0] = (float) (a / fromVariance);
    out[1] = (float) (-b / fromVariance);
    out[2] = (float) (b / fromVariance);
    out[3] = (float) (a / fromVariance);
  }

  /** The model's arrays as read. */
  private static final class Parsed {
    String checksum;
    float[] initialShape;
    int[] pixStart;
    int[] anchor;
    float[] deltaX;
    float[] deltaY;
    int[] treeStart;
    int[] splitStart;
    int[] split1;
    int[] split2;
    float[] thresh;
    int[] leafStart;
    float[] leafValues;
  }

  /**
   * dlib/serialize.h's formats: an integer is a control byte (low 4 bits: how many bytes follow;
   * 0x80: negative, for signed types) and that many little-endian magnitude bytes; a float is two
   * integers, a signed 64-bit mantissa and a 16-bit exponent, worth {@code ldexp((float) m, e)}
   * (float_details.h; exponents 32000..32002 encode +inf, -inf, NaN).
   */
  private static final class Parser {
    // the smallest encoding of one element, to refuse counts the rest of the file cannot hold
    private static final int MIN_INT = 2;
    private static final int MIN_FLOAT = 2 * MIN_INT;

    private final ByteBuffer b;
    private final int length;
    private final String name;
    private int pos;
    private String what = "the version";

    Parser(ByteBuffer bytes, String name) {
      this.b = bytes;
      this.length = bytes.limit();
      this.name = name;
    }

    Parsed parse() throws IOException {
      Parsed p = new Parsed();
      p.checksum = sha256(b);
      if (length >= 4 && b.get(0) == 'B' && b.get(1) == 'Z' && b.get(2) == 'h'
          && b.get(3) >= '0' && b.get(3) <= '9') {
        throw new IOException(name + ": this is a bzip2-compressed file (as dlib.net serves "
            + "it); decompress it first (bunzip2)");
      }
      long version = signed(4);
      if (version != 1) {
        throw fail("unexpected shape_predictor version " + version + " (dlib writes 1)");
      }
      what = "initial_shape";
      p.initialShape = column(-1);
      int coords = p.initialShape.length;
      if (coords == 0 || coords % 2 != 0) {
        throw fail("initial_shape has " + coords + " values; it needs an even, non-zero number");
      }
      int parts = coords / 2;

      what = "the number of cascades";
      int cascades = count(1);
      p.treeStart = new int[cascades + 1];
      IntList splitStart = new IntList();
      IntList split1 = new IntList();
      IntList split2 = new IntList();
      FloatList thresh = new FloatList();
      IntList leafStart = new IntList();
      FloatList leaves = new FloatList();
      splitStart.add(0);
      leafStart.add(0);
      for (int c = 0; c < cascades; c++) {
        what = "the number of trees of cascade " + c;
        int trees = count(2 * MIN_INT);
        p.treeStart[c + 1] = p.treeStart[c] + trees;
        for (int t = 0; t < trees; t++) {
          String tree = "cascade " + c + ", tree " + t;
          what = "the number of splits of " + tree;
          int splits = count(2 * MIN_INT + MIN_FLOAT);
          what = "a split of " + tree;
          for (int s = 0; s < splits; s++) {
            split1.add(index(unsigned()));
            split2.add(index(unsigned()));
            thresh.add(finite(floatValue()));
          }
          splitStart.add(split1.size);
          what = "the number of leaves of " + tree;
          int n = count(2 * MIN_INT + coords * MIN_FLOAT);
          if (n != splits + 1 || Integer.bitCount(n) != 1) {
            throw fail(tree + " has " + n + " leaves for " + splits + " splits; dlib needs a full "
                + "binary tree (splits + 1 leaves, a power of two)");
          }
          what = "a leaf of " + tree;
          long more = (long) n * coords;
          if (leaves.size + more > Integer.MAX_VALUE - 8) {
            throw fail("more leaf values than a Java array holds");
          }
          if (t == 0) {
            // room for the cascade's leaves if its other trees are alike (the file bounds it)
            leaves.reserve(Math.min(trees * more, (length - pos) / MIN_FLOAT));
          }
          for (int l = 0; l < n; l++) {
            column(coords, leaves);
          }
          leafStart.add(leafStart.get(leafStart.size - 1) + n);
        }
      }
      p.splitStart = splitStart.toArray();
      p.split1 = split1.toArray();
      p.split2 = split2.toArray();
      p.thresh = thresh.toArray();
      p.leafStart = leafStart.toArray();
      p.leafValues = leaves.toArray();

      what = "the number of anchor_idx lists";
      int anchorLists = count(MIN_INT);
      if (anchorLists != cascades) {
        throw fail(anchorLists + " anchor_idx lists for " + cascades + " cascades");
      }
      p.pixStart = new int[cascades + 1];
      IntList anchor = new IntList();
      for (int c = 0; c < cascades; c++) {
        what = "anchor_idx of cascade " + c;
        int n = count(MIN_INT);
        for (int i = 0; i < n; i++) {
          long a = unsigned();
          if (a >= parts) {
            throw fail("anchor " + a + " of cascade " + c + " is not one of the " + parts
                + " parts");
          }
          anchor.add((int) a);
        }
        p.pixStart[c + 1] = anchor.size;
      }
      p.anchor = anchor.toArray();

      what = "the number of deltas lists";
      int deltaLists = count(MIN_INT);
      if (deltaLists != cascades) {
        throw fail(deltaLists + " deltas lists for " + cascades + " cascades");
      }
      p.deltaX = new float[anchor.size];
      p.deltaY = new float[anchor.size];
      for (int c = 0; c < cascades; c++) {
        what = "deltas of cascade " + c;
        int n = count(2 * MIN_FLOAT);
        int pixels = p.pixStart[c + 1] - p.pixStart[c];
        if (n != pixels) {
          throw fail("cascade " + c + " has " + n + " deltas for " + pixels + " anchors");
        }
        for (int i = 0; i < n; i++) {
          p.deltaX[p.pixStart[c] + i] = finite(floatValue());
          p.deltaY[p.pixStart[c] + i] = finite(floatValue());
        }
      }
      // dlib's requirement: every split compares two of its cascade's feature pixels
      for (int c = 0; c < cascades; c++) {
        int pixels = p.pixStart[c + 1] - p.pixStart[c];
        for (int s = p.splitStart[p.treeStart[c]]; s < p.splitStart[p.treeStart[c + 1]]; s++) {
          if (p.split1[s] >= pixels || p.split2[s] >= pixels) {
            throw new IOException(name + ": not a valid dlib shape_predictor: a split of cascade "
                + c + " compares feature pixels " + p.split1[s] + " and " + p.split2[s]
                + " but the cascade has " + pixels);
          }
        }
      }
      // Bytes after the model are left alone, as dlib's deserialize leaves them.
      return p;
    }

    /** A {@code matrix<float,0,1>}: rows, columns (negated in dlib's newer format), values. */
    private float[] column(int rows) throws IOException {
      int n = columnHeader(rows);
      float[] v = new float[n];
      for (int i = 0; i < n; i++) {
        v[i] = finite(floatValue());
      }
      return v;
    }

    private void column(int rows, FloatList into) throws IOException {
      int n = columnHeader(rows);
      for (int i = 0; i < n; i++) {
        into.add(finite(floatValue()));
      }
    }

    private int columnHeader(int rows) throws IOException {
      int at = pos;
      long nr = signed(8);
      long nc = signed(8);
      if (nr < 0 || nc < 0) {
        nr = -nr;
        nc = -nc;
      }
      if (nc != 1 || nr < 0 || (rows >= 0 && nr != rows)) {
        pos = at;
        throw fail("a " + nr + "x" + nc + " matrix where a column of "
            + (rows >= 0 ? rows + " values" : "values") + " belongs");
      }
      if (nr > (length - pos) / MIN_FLOAT) {
        throw shortOf(nr + " values", nr * MIN_FLOAT);
      }
      return (int) nr;
    }

    /** A {@code std::vector}'s size, checked against what the rest of the file can hold. */
    private int count(int minBytesEach) throws IOException {
      long n = unsigned();
      if (n > (length - pos) / minBytesEach) {
        throw shortOf("a count of " + n, n * minBytesEach);
      }
      return (int) n;
    }

    private int index(long v) throws IOException {
      if (v > Integer.MAX_VALUE) {
        throw fail("feature pixel index " + v);
      }
      return (int) v;
    }

    private float finite(float v) throws IOException {
      if (!Float.isFinite(v)) {
        throw fail("a non-finite value (" + v + ")");
      }
      return v;
    }

    private float floatValue() throws IOException {
      if (pos < length && (b.get(pos) & 0x70) != 0) {
        throw fail("a float in dlib's old text encoding (control byte 0x"
            + Integer.toHexString(b.get(pos) & 0xff) + "), which this reader does not take");
      }
      long mantissa = signed(8);
      int exponent = (short) signed(2);
      if (exponent < 32000) {
        return Math.scalb((float) mantissa, exponent);
      }
      if (exponent == 32000) {
        return Float.POSITIVE_INFINITY;
      }
      return exponent == 32001 ? Float.NEGATIVE_INFINITY : Float.NaN;
    }

    /** unpack_int for a signed type of {@code size} bytes. */
    private long signed(int size) throws IOException {
      int at = pos;
      int control = next();
      boolean negative = (control & 0x80) != 0;
      int n = control & 0x0f;
      if (n == 0 || n > size) {
        pos = at;
        throw fail("an integer control byte 0x" + Integer.toHexString(control) + " (" + n
            + " bytes, at most " + size + " allowed)");
      }
      long v = magnitude(n);
      return negative ? -v : v;
    }

    /** unpack_int for {@code unsigned long} (8 bytes on 64-bit Linux, where models are made). */
    private long unsigned() throws IOException {
      int at = pos;
      int control = next();
      int n = control & 0x8f;
      if (n == 0 || n > 8) {
        pos = at;
        throw fail("an unsigned integer control byte 0x" + Integer.toHexString(control));
      }
      long v = magnitude(n);
      if (v < 0) {
        pos = at;
        throw fail("an unsigned integer beyond 2^63");
      }
      return v;
    }

    private long magnitude(int n) throws IOException {
      if (length - pos < n) {
        throw truncated();
      }
      long v = 0;
      for (int i = n - 1; i >= 0; i--) {
        v = (v << 8) | (b.get(pos + i) & 0xff);
      }
      pos += n;
      return v;
    }

    private int next() throws IOException {
      if (pos >= length) {
        throw truncated();
      }
      return b.get(pos++) & 0xff;
    }

    /** A count the rest of the file cannot hold: cut short, or the count itself is garbage. */
    private IOException shortOf(String announced, long minBytes) {
      return new IOException(name + ": truncated or corrupt: " + announced + " at byte " + pos
          + " needs at least " + minBytes + " more bytes but the file ends at byte " + length
          + ", reading " + what + " of a dlib shape_predictor (incomplete download or copy?)");
    }

    private IOException truncated() {
      return new IOException(name + ": truncated: the file ends at byte " + length
          + " while reading " + what + " of a dlib shape_predictor (incomplete download or copy?)");
    }

    private IOException fail(String problem) {
      return new IOException(name + ": not a valid dlib shape_predictor: " + problem + " at byte "
          + pos + ", reading " + what);
    }

    private static String sha256(ByteBuffer bytes) {
      try {
        MessageDigest md = MessageDigest.getInstance("SHA-256");
        md.update(bytes.duplicate());
        return HexFormat.of().formatHex(md.digest());
      } catch (NoSuchAlgorithmException e) {
        throw new IllegalStateException(e);
      }
    }
  }

  private static final class IntList {
    int[] a = new int[1024];
    int size;

    void add(int v) {
      if (size == a.length) {
        a = Arrays.copyOf(a, a.length * 2);
      }
      a[size++] = v;
    }

    int get(int i) {
      return a[i];
    }

    int[] toArray() {
      return Arrays.copyOf(a, size);
    }
  }

  private static final class FloatList {
    float[] a = new float[1024];
    int size;

    void add(float v) {
      if (size == a.length) {
        reserve(a.length);
      }
      a[size++] = v;
    }

    void reserve(long extra) {
      long want = Math.min(Integer.MAX_VALUE - 8, size + extra);
      if (want > a.length) {
        a = Arrays.copyOf(a, (int) want);
      }
    }

    float[] toArray() {
      return size == a.length ? a : Arrays.copyOf(a, size);
    }
  }
}
