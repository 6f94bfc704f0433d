package org.facerec.spark;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.api.java.UDF1;
import org.apache.spark.sql.api.java.UDF2;
import org.apache.spark.sql.api.java.UDF3;
import org.apache.spark.sql.catalyst.FunctionIdentifier;
import org.apache.spark.sql.catalyst.expressions.Expression;
import org.apache.spark.sql.catalyst.expressions.ExpressionInfo;
import org.apache.spark.sql.classic.UserDefinedFunctionUtils;
import org.apache.spark.sql.expressions.SparkUserDefinedFunction;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.BinaryType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.IntegralType;
import org.apache.spark.sql.types.NullType;
import org.apache.spark.sql.types.NumericType;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.facerec.detect.FaceFinder;
import org.facerec.match.Candidate;
import org.facerec.match.Distances;
import org.facerec.match.NearestResidents;
import org.facerec.match.ResidentMatrix;
import org.facerec.model.FaceModel;
import org.facerec.model.ModelWeights;
import org.facerec.pipeline.EncodeOptions;
import org.facerec.pipeline.FacePipeline;
import org.facerec.pipeline.FaceResult;
import org.facerec.pipeline.FaceStatus;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import scala.collection.immutable.Seq;
import scala.jdk.javaapi.CollectionConverters;

/**
 * facerec's Spark SQL functions, for SQL and the DataFrame API ({@code call_function}):
 *
 * <ul>
 *   <li>{@code face_distance(a, b)}: L2 distance of two encodings (what every job decides on);
 *   <li>{@code face_cosine(a, b)}: their cosine similarity (1 = same direction);
 *   <li>{@code face_match(a, b [, threshold])}: {@code face_distance(a, b) < threshold}, by
 *       default the configured model's threshold;
 *   <li>{@code face_nearest(embedding, 'table' [, k])}: the k nearest residents of a table or view
 *       ({@code resident_id}, {@code embedding}; only {@code status = 'OK'} rows when it has a
 *       status), as {@code array<struct<resident_id, distance>>}, nearest first, exact. The
 *       table is read on the driver when the query is analysed and broadcast once per query;
 *       each row is then a scan of it (no engine), so it suits look-ups, not bulk search (that
 *       is {@code facerec identify}); tables over the configured maximum are refused;
 *   <li>{@code face_embed(content)}: the encoding of image bytes (e.g. the binaryFile source's
 *       {@code content}) with the configured model, detection and framing, through the same
 *       per-JVM model and broadcast weights as the jobs; {@code face_embed_result(content)}:
 *       the same as a struct with {@code status}, {@code error}, {@code face_box} and
 *       {@code face_score};
 *   <li>{@code face_error(a [, b])}: why the functions above give null for these encodings, or
 *       null when they do not.
 * </ul>
 *
 * Unusable input (a null, an array of the wrong length or with null elements, an image with no
 * face) gives null and never fails the query: the reason is logged (a few lines per function and
 * JVM) and {@code face_error} returns it, so {@code coalesce(face_distance(a, b),
 * raise_error(face_error(a, b)))} fails a query that wants strictness. Arguments of the wrong
 * type fail when the query is analysed. The functions are registered in a session's function
 * registry ({@link #register}) or injected by a {@code spark.sql.extensions} class
 * ({@link #definitions}); either way the weights are read and broadcast once per registration,
 * and only when {@code face_embed} is first used.
 */
public final class FaceFunctions {
  private static final Logger LOG = LoggerFactory.getLogger(FaceFunctions.class);

  /** What the functions need from facerec's settings, made on the driver. */
  public interface Setup {
    FaceModel model();

    /** The decision threshold: {@code face_match}'s default. */
    double threshold();

    /** The largest table {@code face_nearest} broadcasts, in encodings. */
    long nearestMaxRows();

    /** How {@code face_embed} decodes, finds and frames faces. */
    EncodeOptions encodeOptions();

    ModelWeights weights() throws IOException;

    /** The detector's weights, or null when {@link #encodeOptions} detect no faces. */
    FaceFinder.Weights finderWeights() throws IOException;
  }

  /** One function: what Spark's registry and {@code injectFunction} take. */
  public record Definition(FunctionIdentifier id, ExpressionInfo info,
      scala.Function1<Seq<Expression>, Expression> builder) {}

  /** face_embed_result's struct: the encoding columns of the jobs, without the hash. */
  public static final StructType EMBED_RESULT;

  static {
    List<StructField> fields = new ArrayList<>();
    for (StructField f : EncodePartition.COLUMNS.fields()) {
      if (!f.name().equals("content_sha256")) {
        fields.add(f);
      }
    }
    EMBED_RESULT = new StructType(fields.toArray(new StructField[0]));
  }

  private static final DataType ENCODING = DataTypes.createArrayType(DataTypes.FloatType);
  private static final Map<String, AtomicLong> WARNINGS = new ConcurrentHashMap<>();

  private final Supplier<Setup> setupSource;
  private Setup setup;
  private Broadcast<ModelWeights> weights;
  private Broadcast<FaceFinder.Weights> finderWeights;

  /** @param setup called once, on the driver, when a query first uses a function */
  public FaceFunctions(Supplier<Setup> setup) {
    this.setupSource = setup;
  }

  /** Registers every function in {@code spark}'s session (temporary functions). */
  public static void register(SparkSession spark, Setup setup) {
    var registry = ((org.apache.spark.sql.classic.SparkSession) spark).sessionState()
        .functionRegistry();
    for (Definition d : new FaceFunctions(() -> setup).definitions()) {
      registry.registerFunction(d.id(), d.info(), d.builder());
    }
  }

  public List<Definition> definitions() {
    return List.of(
        define("face_distance", "_FUNC_(a, b) - L2 distance of two face encodings; null when "
            + "either is unusable (see face_error)", this::distance),
        define("face_cosine", "_FUNC_(a, b) - cosine similarity of two face encodings (1 = same "
            + "direction); null when either is unusable", this::cosine),
        define("face_match", "_FUNC_(a, b [, threshold]) - true when the L2 distance is below "
            + "the threshold (default: the configured model's)", this::match),
        define("face_nearest", "_FUNC_(embedding, 'table' [, k]) - the k (default 1) nearest "
            + "residents of a table or view, array<struct<resident_id, distance>>, exact",
            this::nearest),
        define("face_embed", "_FUNC_(content) - the face encoding of image bytes with the "
            + "configured model; null when none (see face_embed_result)", c -> embed(c, false)),
        define("face_embed_result", "_FUNC_(content) - struct<status, error, embedding, "
            + "face_box, face_score> of image bytes", c -> embed(c, true)),
        define("face_error", "_FUNC_(a [, b]) - why the face functions give null for these "
            + "encodings, or null", this::error));
  }

  private static Definition define(String name, String usage,
      java.util.function.Function<List<Expression>, Expression> build) {
    ExpressionInfo info = new ExpressionInfo(FaceFunctions.class.getName(), null, name, usage,
        "");
    return new Definition(new FunctionIdentifier(name), info,
        (scala.Function1<Seq<Expression>, Expression>) children -> build.apply(
            new ArrayList<>(CollectionConverters.asJava(children))));
  }

  private synchronized Setup setup() {
    if (setup == null) {
      setup = setupSource.get();
    }
    return setup;
  }

  // ---- builders: argument checks at analysis time, then a UDF expression ----

  private Expression distance(List<Expression> args) {
    return pairMeasure("face_distance", args, Distances::l2);
  }

  private Expression cosine(List<Expression> args) {
    return pairMeasure("face_cosine", args, Distances::cosine);
  }

  /** Serializable, as the UDF that captures it ships to the executors. */
  private interface Measure extends java.io.Serializable {
    double of(float[] a, float[] b);
  }

  /** A function of two encodings to a number, null where either is unusable. */
  private Expression pairMeasure(String name, List<Expression> args,
      Measure measure) {
    arity(name, args, 2, 2);
    encodingArg(name, args, 0);
    encodingArg(name, args, 1);
    int dim = setup().model().embeddingSize();
    UDF2<Object, Object, Double> f = (a, b) -> {
      float[][] e = pair(name, a, b, dim);
      return e == null ? null : measure.of(e[0], e[1]);
    };
    return udf(name, functions.udf(f, DataTypes.DoubleType), args);
  }

  private Expression match(List<Expression> args) {
    String name = "face_match";
    arity(name, args, 2, 3);
    encodingArg(name, args, 0);
    encodingArg(name, args, 1);
    int dim = setup().model().embeddingSize();
    if (args.size() == 2) {
      double threshold = setup().threshold();
      UDF2<Object, Object, Boolean> f = (a, b) -> {
        float[][] e = pair(name, a, b, dim);
        return e == null ? null : Distances.l2(e[0], e[1]) < threshold;
      };
      return udf(name, functions.udf(f, DataTypes.BooleanType), args);
    }
    numberArg(name, args, 2, "threshold", false);
    UDF3<Object, Object, Object, Boolean> f = (a, b, t) -> {
      float[][] e = pair(name, a, b, dim);
      if (e == null) {
        return null;
      }
      if (t == null) {
        warn(name, "threshold is null");
        return null;
      }
      return Distances.l2(e[0], e[1]) < ((Number) t).doubleValue();
    };
    return udf(name, functions.udf(f, DataTypes.BooleanType), args);
  }

  private Expression nearest(List<Expression> args) {
    String name = "face_nearest";
    arity(name, args, 2, 3);
    encodingArg(name, args, 0);
    Expression table = args.get(1);
    if (!table.foldable() || !(table.dataType() instanceof org.apache.spark.sql.types.StringType)) {
      throw new IllegalArgumentException(name + "'s second argument must name a table or view "
          + "(a string literal such as 'residents'), not " + table.sql());
    }
    Object tableName = table.eval(null);
    if (tableName == null) {
      throw new IllegalArgumentException(name + ": the table name is null");
    }
    List<Expression> children = new ArrayList<>(List.of(args.get(0)));
    if (args.size() == 3) {
      numberArg(name, args, 2, "k", true);
      children.add(args.get(2));
    } else {
      children.add(org.apache.spark.sql.catalyst.expressions.Literal.create(1,
          DataTypes.IntegerType));
    }
    Broadcast<ResidentMatrix> residents = broadcastTable(name, tableName.toString());
    UDF2<Object, Object, List<Row>> f = (e, k) -> {
      int dim = residents.value().dim();
      float[] probe = encoding(name, e, dim);
      if (probe == null) {
        return null;
      }
      if (k == null || ((Number) k).longValue() < 1) {
        warn(name, "k must be at least 1, not " + k);
        return null;
      }
      List<Row> out = new ArrayList<>();
      for (Candidate c : NearestResidents.scan(residents.value(), probe,
          (int) Math.min(Integer.MAX_VALUE, ((Number) k).longValue()))) {
        out.add(RowFactory.create(c.residentId(), c.distance()));
      }
      return out;
    };
    return udf(name, functions.udf(f, DataTypes.createArrayType(Matches.CANDIDATE, false)),
        children);
  }

  /** A table's usable encodings, read on the driver and broadcast, with the model checked. */
  private Broadcast<ResidentMatrix> broadcastTable(String function, String table) {
    SparkSession spark = SparkSession.active();
    Dataset<Row> t = spark.table(table);
    List<String> columns = Arrays.asList(t.columns());
    if (!columns.contains("resident_id") || !columns.contains("embedding")) {
      throw new IllegalArgumentException(function + ": table " + table + " has no resident_id "
          + "and embedding columns (columns: " + String.join(", ", columns) + ")");
    }
    if (columns.contains("status")) {
      t = t.filter(functions.col("status").equalTo(FaceStatus.OK.name()));
    }
    t = t.filter(functions.col("embedding").isNotNull());
    Setup s = setup();
    if (columns.contains("model_id")) {
      for (Row r : t.select("model_id").distinct().collectAsList()) {
        if (r.get(0) != null && !s.model().id().equals(r.get(0))) {
          throw new IllegalArgumentException(function + ": table " + table + " holds "
              + "encodings of model " + r.get(0) + ", not of the configured " + s.model().id()
              + "; encodings of different models never mix");
        }
      }
    }
    long rows = t.count();
    if (rows > s.nearestMaxRows()) {
      throw new IllegalArgumentException(function + ": table " + table + " has " + rows
          + " encodings, over the " + s.nearestMaxRows() + " it may broadcast; search it with "
          + "facerec identify instead");
    }
    List<String> ids = new ArrayList<>();
    List<float[]> vecs = new ArrayList<>();
    int dim = s.model().embeddingSize();
    for (Row r : t.select("resident_id", "embedding").collectAsList()) {
      float[] v = encoding(function, r.get(1), dim);
      if (v != null && r.get(0) != null) {
        ids.add(r.getString(0));
        vecs.add(v);
      }
    }
    ResidentMatrix m = ResidentMatrix.of(ids, vecs);
    LOG.info("{}: broadcasting {} encodings of table {}", function, m.rows(), table);
    return JavaSparkContext.fromSparkContext(spark.sparkContext()).broadcast(m);
  }

  private Expression embed(List<Expression> args, boolean result) {
    String name = result ? "face_embed_result" : "face_embed";
    arity(name, args, 1, 1);
    DataType t = args.get(0).dataType();
    if (!(t instanceof BinaryType) && !(t instanceof NullType)) {
      throw new IllegalArgumentException(name + " takes image bytes (binary, e.g. the binaryFile "
          + "source's content), not " + t.simpleString());
    }
    return udf(name, functions.udf(new Embed(embedding(), result, name),
        result ? EMBED_RESULT : ENCODING), args);
  }

  /** The encoding stage of face_embed, its weights broadcast once per registration. */
  private synchronized TaskPipelines embedding() {
    Setup s = setup();
    if (weights == null) {
      JavaSparkContext jsc = JavaSparkContext.fromSparkContext(
          SparkSession.active().sparkContext());
      try {
        weights = jsc.broadcast(s.weights());
        FaceFinder.Weights fw = s.encodeOptions().detects() ? s.finderWeights() : null;
        finderWeights = fw == null ? null : jsc.broadcast(fw);
      } catch (IOException e) {
        weights = null;
        throw new UncheckedIOException("face_embed cannot read the model's weights: "
            + e.getMessage(), e);
      }
    }
    return new TaskPipelines(weights, finderWeights, s.encodeOptions());
  }

  /** face_embed's function: one image through a pipeline kept for the task. */
  static final class Embed implements UDF1<byte[], Object> {
    private static final long serialVersionUID = 1L;
    private final TaskPipelines pipelines;
    private final boolean result;
    private final String name;
    // per task: a deserialised copy of this function serves one task
    private transient FacePipeline pipeline;
    private transient long attempt = -1;

    Embed(TaskPipelines pipelines, boolean result, String name) {
      this.pipelines = pipelines;
      this.result = result;
      this.name = name;
    }

    @Override
    public Object call(byte[] content) {
      TaskContext tc = TaskContext.get();
      long id = tc == null ? -1 : tc.taskAttemptId();
      if (pipeline == null || id != attempt) {
        pipeline = pipelines.open();
        attempt = id;
      }
      FaceResult out;
      try {
        ImageFiles.Read read = ImageFiles.of(content, pipelines.options().maxBytes());
        out = pipeline.process(new FacePipeline.Input(read.bytes(), read.error(), null));
      } finally {
        if (tc == null) { // on the driver (a local relation): nothing closes it later
          pipeline.close();
          pipeline = null;
        }
      }
      String status = out.status().name();
      if (out.status() != FaceStatus.OK && !result) {
        warn(name, status + ": " + out.error());
      }
      return result ? RowFactory.create(status, out.error(), out.embedding(), out.box(),
          out.score()) : out.embedding();
    }
  }

  private Expression error(List<Expression> args) {
    String name = "face_error";
    arity(name, args, 1, 2);
    encodingArg(name, args, 0);
    int dim = setup().model().embeddingSize();
    if (args.size() == 1) {
      UDF1<Object, String> f = a -> problem(a, dim);
      return udf(name, functions.udf(f, DataTypes.StringType), args);
    }
    encodingArg(name, args, 1);
    UDF2<Object, Object, String> f = (a, b) -> pairProblem(a, b, dim);
    return udf(name, functions.udf(f, DataTypes.StringType), args);
  }

  // ---- values ----

  /** Why {@code value} is not a usable encoding of {@code dim} values, or null. */
  static String problem(Object value, int dim) {
    if (value == null) {
      return "the encoding is null";
    }
    List<?> list = list(value);
    if (list.size() != dim) {
      return "the encoding has " + list.size() + " values, not " + dim;
    }
    for (int i = 0; i < list.size(); i++) {
      Object v = list.get(i);
      if (v == null) {
        return "the encoding has a null at index " + i;
      }
      if (!Double.isFinite(((Number) v).doubleValue())) {
        return "the encoding has " + v + " at index " + i;
      }
    }
    return null;
  }

  private static String pairProblem(Object a, Object b, int dim) {
    String pa = problem(a, dim);
    String pb = problem(b, dim);
    if (pa == null && pb == null) {
      return null;
    }
    return pa != null && pb != null ? "first: " + pa + "; second: " + pb
        : pa != null ? "first: " + pa : "second: " + pb;
  }

  /** The encoding, or null (with a warning) when it cannot be used. */
  static float[] encoding(String function, Object value, int dim) {
    String p = problem(value, dim);
    if (p != null) {
      warn(function, p);
      return null;
    }
    return Embeddings.of(list(value));
  }

  private static float[][] pair(String function, Object a, Object b, int dim) {
    String p = pairProblem(a, b, dim);
    if (p != null) {
      warn(function, p);
      return null;
    }
    return new float[][] {Embeddings.of(list(a)), Embeddings.of(list(b))};
  }

  private static List<?> list(Object value) {
    if (value instanceof List<?> l) {
      return l;
    }
    if (value instanceof scala.collection.Seq<?> s) {
      return CollectionConverters.asJava(s);
    }
    throw new IllegalArgumentException("not an array: " + value.getClass().getName());
  }

  /** Logs why a function gave null: the first lines per function and JVM, then a count. */
  static void warn(String function, String why) {
    long n = WARNINGS.computeIfAbsent(function, k -> new AtomicLong()).incrementAndGet();
    if (n <= 5) {
      LOG.warn("{} gave null: {}", function, why);
    } else if (n % 10_000 == 0) {
      LOG.warn("{} gave null {} times in this JVM so far (latest: {})", function, n, why);
    }
  }

  // ---- analysis-time checks ----

  private static void arity(String name, List<Expression> args, int min, int max) {
    if (args.size() < min || args.size() > max) {
      throw new IllegalArgumentException(name + " takes " + (min == max ? min : min + " or "
          + max) + " arguments, not " + args.size());
    }
  }

  private static void encodingArg(String name, List<Expression> args, int i) {
    DataType t = args.get(i).dataType();
    boolean ok = t instanceof NullType || t instanceof ArrayType a
        && (a.elementType() instanceof NumericType || a.elementType() instanceof NullType);
    if (!ok) {
      throw new IllegalArgumentException(name + "'s argument " + (i + 1) + " must be an encoding "
          + "(an array of numbers), not " + t.simpleString() + ": " + args.get(i).sql());
    }
  }

  private static void numberArg(String name, List<Expression> args, int i, String what,
      boolean integral) {
    DataType t = args.get(i).dataType();
    boolean ok = t instanceof NullType
        || (integral ? t instanceof IntegralType : t instanceof NumericType);
    if (!ok) {
      throw new IllegalArgumentException(name + "'s " + what + " must be "
          + (integral ? "a whole number" : "a number") + ", not " + t.simpleString());
    }
  }

  private static Expression udf(String name, org.apache.spark.sql.expressions.UserDefinedFunction f,
      List<Expression> children) {
    SparkUserDefinedFunction named = (SparkUserDefinedFunction) f.withName(name);
    return UserDefinedFunctionUtils.toScalaUDF(named,
        CollectionConverters.asScala(children).toList());
  }
}
