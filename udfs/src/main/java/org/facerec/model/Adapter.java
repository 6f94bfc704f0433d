package org.facerec.model;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.Serializable;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * A learned projection on top of a frozen encoder: the encoder's 128-d encoding in, a 128-d
 * L2-normalised encoding out, in which the same L2-threshold rule decides "same person". Trained
 * by {@code org.facerec.learn.AdapterTrainer} with the triplet loss on an installation's own
 * labelled faces (FaceNet's recipe, applied to a small head instead of the whole network, since
 * a few hundred photos cannot retrain a 5.6M-parameter ResNet but can bend its output space).
 *
 * <p>Two forms:
 * <ul>
 *   <li>{@link Kind#LINEAR}: {@code y = W x + b}, W square (dim x dim);
 *   <li>{@link Kind#RESIDUAL_MLP}: {@code y = x + W2 relu(W1 x + b1) + b2}, W1 (hidden x dim).
 * </ul>
 * then {@code y / |y|}. Both start at the identity (W = I; W2 = 0), so an untrained adapter is
 * the plain encoder up to the normalisation, and training moves away from it only as far as the
 * triplets ask.
 *
 * <p><b>Identity.</b> {@link #id()} is {@code <base model id>+adapter-<first 12 hex of
 * SHA-256>} over the base model id, the form, the shapes and every weight's float bits
 * ({@link #contentHash()}): the same weights always give the same id, any change of weights a
 * new one, so tables of different adapters never mix (the jobs compare {@code model_id}s). The
 * suggested threshold is not part of the id: it does not change the encodings.
 *
 * <p><b>File format</b> (version {@value #FORMAT_VERSION}, big-endian, {@link #toBytes}): the 8
 * bytes {@code FRADAPT1}, int version, UTF base model id, UTF form ({@code linear} or
 * {@code residual-mlp}), int dim, int hidden (0 for linear), double threshold (NaN: none), int
 * tensor count, then per tensor UTF name, int rows, int cols and the float values row-major;
 * last, the SHA-256 of every byte before it. A 128-d linear adapter is about 66 KB. Reading
 * checks the magic, the version, the trailing checksum and the shapes, and fails saying which.
 *
 * <p>Immutable and {@link Serializable}: read once on the driver, shipped in a broadcast, applied
 * in plain Java (a 128 x 128 matmul per encoding needs no engine).
 */
public final class Adapter implements Serializable {
  private static final long serialVersionUID = 1L;

  /** Written between the base model id and the hash in {@link #id()}. */
  public static final String ID_INFIX = "+adapter-";
  /** Adapter files' extension: {@code <id>.adapter}. */
  public static final String FILE_EXTENSION = ".adapter";
  public static final int FORMAT_VERSION = 1;
  private static final byte[] MAGIC = "FRADAPT1".getBytes(StandardCharsets.US_ASCII);
  private static final Pattern ID = Pattern.compile("(.+)\\+adapter-([0-9a-f]{12})");

  /** The adapter's form. */
  public enum Kind {
    LINEAR("linear"),
    RESIDUAL_MLP("residual-mlp");

    private final String label;

    Kind(String label) {
      this.label = label;
    }

    public String label() {
      return label;
    }

    static Kind of(String label) {
      for (Kind k : values()) {
        if (k.label.equals(label)) {
          return k;
        }
      }
      throw new IllegalArgumentException("unknown adapter form '" + label + "'");
    }
  }

  private final String baseModelId;
  private final Kind kind;
  private final int dim;
  private final int hidden;
  private final float[] w1;
  private final float[] b1;
  private final float[] w2;
  private final float[] b2;
  private final double threshold;
  private final String contentHash;

  private Adapter(String baseModelId, Kind kind, int dim, int hidden, float[] w1, float[] b1,
      float[] w2, float[] b2, double threshold) {
    if (baseModelId == null || baseModelId.isEmpty() || baseModelId.contains(ID_INFIX)) {
      throw new IllegalArgumentException("an adapter's base must be a plain model id, not '"
          + baseModelId + "'");
    }
    if (dim < 1) {
      throw new IllegalArgumentException("adapter dimension must be at least 1, not " + dim);
    }
    int rows1 = kind == Kind.LINEAR ? dim : hidden;
    if (kind == Kind.RESIDUAL_MLP && hidden < 1) {
      throw new IllegalArgumentException("a residual MLP adapter needs hidden units, not "
          + hidden);
    }
    check("w1", w1, rows1 * dim);
    check("b1", b1, rows1);
    if (kind == Kind.RESIDUAL_MLP) {
      check("w2", w2, dim * hidden);
      check("b2", b2, dim);
    }
    this.baseModelId = baseModelId;
    this.kind = kind;
    this.dim = dim;
    this.hidden = kind == Kind.LINEAR ? 0 : hidden;
    this.w1 = w1.clone();
    this.b1 = b1.clone();
    this.w2 = kind == Kind.LINEAR ? null : w2.clone();
    this.b2 = kind == Kind.LINEAR ? null : b2.clone();
    this.threshold = threshold;
    this.contentHash = hash();
  }

  private static void check(String name, float[] v, int n) {
    if (v == null || v.length != n) {
      throw new IllegalArgumentException("adapter tensor " + name + " must hold " + n
          + " values, not " + (v == null ? "none" : v.length));
    }
    for (float f : v) {
      if (!Float.isFinite(f)) {
        throw new IllegalArgumentException("adapter tensor " + name + " holds " + f);
      }
    }
  }

  /** {@code y = W x + b}, {@code w} row-major (dim x dim): {@code y[o] = sum_i w[o*dim+i] x[i]}. */
  public static Adapter linear(String baseModelId, int dim, float[] w, float[] b,
      double threshold) {
    return new Adapter(baseModelId, Kind.LINEAR, dim, 0, w, b, null, null, threshold);
  }

  /** {@code y = x + W2 relu(W1 x + b1) + b2}; W1 (hidden x dim), W2 (dim x hidden), row-major. */
  public static Adapter residualMlp(String baseModelId, int dim, int hidden, float[] w1,
      float[] b1, float[] w2, float[] b2, double threshold) {
    return new Adapter(baseModelId, Kind.RESIDUAL_MLP, dim, hidden, w1, b1, w2, b2, threshold);
  }

  /** The identity (W = I, b = 0): the base encoder's output, L2-normalised. */
  public static Adapter identity(String baseModelId, int dim) {
    float[] w = new float[dim * dim];
    for (int i = 0; i < dim; i++) {
      w[i * dim + i] = 1f;
    }
    return linear(baseModelId, dim, w, new float[dim], Double.NaN);
  }

  /** The same weights (and id) with another suggested threshold. */
  public Adapter withThreshold(double t) {
    return new Adapter(baseModelId, kind, dim, hidden, w1, b1, w2, b2, t);
  }

  /**
   * {@code <base>+adapter-<first 12 hex of contentHash()>}, e.g.
   * {@code dlib-resnet-v1+adapter-0f3a5c...}.
   */
  public String id() {
    return baseModelId + ID_INFIX + contentHash.substring(0, 12);
  }

  /** True when {@code modelId} names an adapter ({@code <base>+adapter-<12 hex>}). */
  public static boolean isAdapterId(String modelId) {
    return ID.matcher(modelId).matches();
  }

  /** The base model of a model id: the part before {@code +adapter-}, or the id itself. */
  public static String baseIdOf(String modelId) {
    var m = ID.matcher(modelId);
    return m.matches() ? m.group(1) : modelId;
  }

  /** The file an adapter of this id is kept in, within an adapters folder. */
  public static String fileName(String modelId) {
    if (!isAdapterId(modelId)) {
      throw new IllegalArgumentException("'" + modelId + "' is not an adapter id (<base>"
          + ID_INFIX + "<12 hex>)");
    }
    return modelId + FILE_EXTENSION;
  }

  public String baseModelId() {
    return baseModelId;
  }

  public Kind kind() {
    return kind;
  }

  /** Input and output size. */
  public int dim() {
    return dim;
  }

  /** Hidden units of the residual MLP; 0 for the linear form. */
  public int hidden() {
    return hidden;
  }

  /**
   * The suggested L2 threshold in the adapter's space: the most accurate one on the pairs
   * training was checked on (held-out people where there were some); NaN when unknown.
   * Calibrate on the installation's pairs for a target FAR instead where possible.
   */
  public double threshold() {
    return threshold;
  }

  /** Hex SHA-256 over the base id, the form, the shapes and the weights' float bits. */
  public String contentHash() {
    return contentHash;
  }

  public long parameterCount() {
    return w1.length + b1.length + (w2 == null ? 0 : w2.length + b2.length);
  }

  /** W (linear) or W1 (residual MLP), row-major; a copy. */
  public float[] w1() {
    return w1.clone();
  }

  public float[] b1() {
    return b1.clone();
  }

  /** W2 of the residual MLP, row-major; null for the linear form. */
  public float[] w2() {
    return w2 == null ? null : w2.clone();
  }

  public float[] b2() {
    return b2 == null ? null : b2.clone();
  }

  /** The adapted, unit-length encoding of one base encoding. */
  public float[] apply(float[] x) {
    if (x.length != dim) {
      throw new IllegalArgumentException("adapter " + id() + " takes " + dim
          + "-d encodings, not " + x.length + "-d");
    }
    double[] y = new double[dim];
    if (kind == Kind.LINEAR) {
      affine(w1, b1, x, dim, y);
    } else {
      double[] h = new double[hidden];
      affine(w1, b1, x, hidden, h);
      for (int o = 0; o < dim; o++) {
        double s = (double) x[o] + b2[o];
        for (int j = 0; j < hidden; j++) {
          s += (double) w2[o * hidden + j] * Math.max(0.0, h[j]);
        }
        y[o] = s;
      }
    }
    double norm = 0;
    for (double v : y) {
      norm += v * v;
    }
    norm = Math.sqrt(norm);
    float[] out = new float[dim];
    if (norm > 0) {
      for (int o = 0; o < dim; o++) {
        out[o] = (float) (y[o] / norm);
      }
    }
    return out;
  }

  private void affine(float[] w, float[] b, float[] x, int rows, double[] out) {
    for (int o = 0; o < rows; o++) {
      double s = b[o];
      int row = o * dim;
      for (int i = 0; i < dim; i++) {
        s += (double) w[row + i] * x[i];
      }
      out[o] = s;
    }
  }

  /** {@link #apply} to each encoding; null entries (failed images) stay null. */
  public float[][] applyAll(float[][] xs) {
    float[][] out = new float[xs.length][];
    for (int i = 0; i < xs.length; i++) {
      out[i] = xs[i] == null ? null : apply(xs[i]);
    }
    return out;
  }

  private String hash() {
    try {
      MessageDigest md = MessageDigest.getInstance("SHA-256");
      md.update((baseModelId + "\n" + kind.label() + "\n" + dim + "\n" + hidden + "\n")
          .getBytes(StandardCharsets.UTF_8));
      int rows1 = kind == Kind.LINEAR ? dim : hidden;
      update(md, "w1", rows1, dim, w1);
      update(md, "b1", 1, rows1, b1);
      if (kind == Kind.RESIDUAL_MLP) {
        update(md, "w2", dim, hidden, w2);
        update(md, "b2", 1, dim, b2);
      }
      return HexFormat.of().formatHex(md.digest());
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private static void update(MessageDigest md, String name, int rows, int cols, float[] v) {
    md.update(name.getBytes(StandardCharsets.UTF_8));
    ByteBuffer buf = ByteBuffer.allocate(8 + 4 * v.length).order(ByteOrder.LITTLE_ENDIAN);
    buf.putInt(rows).putInt(cols);
    for (float f : v) {
      // -0.0 and 0.0 apply identically but have other bits: one hash for both
      buf.putInt(Float.floatToIntBits(f == 0f ? 0f : f));
    }
    md.update(buf.array());
  }

  /** The adapter in its file format. */
  public byte[] toBytes() {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      out.write(MAGIC);
      out.writeInt(FORMAT_VERSION);
      out.writeUTF(baseModelId);
      out.writeUTF(kind.label());
      out.writeInt(dim);
      out.writeInt(hidden);
      out.writeDouble(threshold);
      int rows1 = kind == Kind.LINEAR ? dim : hidden;
      out.writeInt(kind == Kind.LINEAR ? 2 : 4);
      writeTensor(out, "w1", rows1, dim, w1);
      writeTensor(out, "b1", 1, rows1, b1);
      if (kind == Kind.RESIDUAL_MLP) {
        writeTensor(out, "w2", dim, hidden, w2);
        writeTensor(out, "b2", 1, dim, b2);
      }
      out.flush();
      out.write(sha256(bytes.toByteArray()));
    } catch (IOException e) {
      throw new IllegalStateException(e); // a byte array does not fail
    }
    return bytes.toByteArray();
  }

  private static void writeTensor(DataOutputStream out, String name, int rows, int cols,
      float[] v) throws IOException {
    out.writeUTF(name);
    out.writeInt(rows);
    out.writeInt(cols);
    for (float f : v) {
      out.writeFloat(f);
    }
  }

  /** Reads {@link #toBytes}' format; {@code source} names the bytes in errors. */
  public static Adapter fromBytes(byte[] bytes, String source) throws IOException {
    if (bytes.length < MAGIC.length + 32
        || !Arrays.equals(Arrays.copyOf(bytes, MAGIC.length), MAGIC)) {
      throw new IOException(source + " is not a facerec adapter file (no FRADAPT1 header)");
    }
    byte[] body = Arrays.copyOf(bytes, bytes.length - 32);
    if (!MessageDigest.isEqual(sha256(body), Arrays.copyOfRange(bytes, body.length,
        bytes.length))) {
      throw new IOException(source + ": checksum mismatch, the adapter file is damaged");
    }
    try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(body))) {
      in.skipNBytes(MAGIC.length);
      int version = in.readInt();
      if (version != FORMAT_VERSION) {
        throw new IOException(source + ": adapter format version " + version
            + ", this build reads version " + FORMAT_VERSION);
      }
      String base = in.readUTF();
      Kind kind = Kind.of(in.readUTF());
      int dim = in.readInt();
      int hidden = in.readInt();
      double threshold = in.readDouble();
      int count = in.readInt();
      if (count != (kind == Kind.LINEAR ? 2 : 4)) {
        throw new IOException(source + ": a " + kind.label() + " adapter has "
            + (kind == Kind.LINEAR ? 2 : 4) + " tensors, the file " + count);
      }
      float[][] t = new float[count][];
      for (int i = 0; i < count; i++) {
        in.readUTF();
        long n = (long) in.readInt() * in.readInt();
        if (n < 0 || n > 1 << 24) {
          throw new IOException(source + ": implausible tensor size " + n);
        }
        t[i] = new float[(int) n];
        for (int j = 0; j < n; j++) {
          t[i][j] = in.readFloat();
        }
      }
      if (in.available() != 0) {
        throw new IOException(source + ": " + in.available() + " unexpected bytes at the end");
      }
      return kind == Kind.LINEAR ? linear(base, dim, t[0], t[1], threshold)
          : residualMlp(base, dim, hidden, t[0], t[1], t[2], t[3], threshold);
    } catch (EOFException e) {
      throw new IOException(source + ": the adapter file is truncated", e);
    } catch (IllegalArgumentException e) {
      throw new IOException(source + ": " + e.getMessage(), e);
    }
  }

  /** Writes the adapter to {@code file} (atomically: a temporary file, then a move). */
  public void write(Path file) throws IOException {
    Path dir = file.toAbsolutePath().getParent();
    Files.createDirectories(dir);
    Path tmp = Files.createTempFile(dir, ".adapter", ".tmp");
    try {
      Files.write(tmp, toBytes());
      Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING,
          StandardCopyOption.ATOMIC_MOVE);
    } finally {
      Files.deleteIfExists(tmp);
    }
  }

  public static Adapter read(Path file) throws IOException {
    return fromBytes(Files.readAllBytes(file), file.toString());
  }

  /**
   * The adapter {@code modelId} from {@code dir/<modelId>.adapter}, checked to be that one: a
   * file whose weights hash to another id is refused (renamed or edited by hand).
   */
  public static Adapter readById(String modelId, Path dir) throws IOException {
    Path file = dir.resolve(fileName(modelId));
    if (!Files.exists(file)) {
      throw new IOException("no adapter " + modelId + ": " + file + " does not exist");
    }
    Adapter a = read(file);
    if (!a.id().equals(modelId)) {
      throw new IOException(file + " holds adapter " + a.id() + ", not " + modelId);
    }
    return a;
  }

  private static byte[] sha256(byte[] b) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(b);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Adapter a && a.contentHash.equals(contentHash)
        && Double.compare(a.threshold, threshold) == 0;
  }

  @Override
  public int hashCode() {
    return contentHash.hashCode();
  }

  @Override
  public String toString() {
    return String.format(Locale.ROOT, "%s (%s, %d-d%s, %d parameters)", id(), kind.label(), dim,
        hidden > 0 ? ", " + hidden + " hidden" : "", parameterCount());
  }
}
