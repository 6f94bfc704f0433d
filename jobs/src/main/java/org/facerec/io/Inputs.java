package org.facerec.io;

import java.io.BufferedReader;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.api.java.function.MapFunction;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * The jobs' inputs as rows that name an image path: folders listed with Spark's binaryFile source
 * (recursive, extension filter; only path and length are read here, the bytes are read inside the
 * encoding partitions), and CSV files (a header, paths relative to the CSV's folder, absolute, or
 * URIs such as s3a://). A malformed CSV line is kept as a row carrying {@code input_error}.
 */
public final class Inputs {
  /** Column every input has: why the row cannot be processed (null when it can). */
  public static final String INPUT_ERROR = "input_error";
  public static final String IMAGE_PATH = "image_path";
  private static final String CORRUPT = "_corrupt_record";

  private Inputs() {}

  /**
   * The files under {@code dir} with one of {@code extensions}: {@code image_path, relative,
   * input_error}.
   */
  public static Dataset<Row> listImages(SparkSession spark, String dir, List<String> extensions)
      throws IOException {
    Path root = folder(spark, dir);
    // Spark's listing (in parallel for many folders) but not its scan, which skips zero-byte
    // files: an empty photo must still be a row. inputFiles() lists them all, URI-encoded.
    // Spark lists many folders in a job of one task per folder (up to 10,000 by default): on
    // lfw-dev's 2,086 folders that job took 5 s of a 16 s enroll. A few tasks per core list as
    // fast; a setting of the user's own is left alone.
    String parallelism = "spark.sql.sources.parallelPartitionDiscovery.parallelism";
    boolean ours = !spark.conf().contains(parallelism);
    if (ours) {
      spark.conf().set(parallelism, 4L * spark.sparkContext().defaultParallelism());
    }
    String[] listed;
    try {
      listed = spark.read().format("binaryFile")
          .option("recursiveFileLookup", "true")
          .option("pathGlobFilter", glob(extensions))
          .load(root.toString())
          .inputFiles();
    } finally {
      if (ours) {
        spark.conf().unset(parallelism);
      }
    }
    Arrays.sort(listed);
    String rootPath = root.toUri().getPath();
    List<Row> rows = new ArrayList<>(listed.length);
    for (String uri : listed) {
      String path = new Path(URI.create(uri)).toString(); // plain text, as people write paths
      rows.add(RowFactory.create(path, relativeTo(rootPath, path), null));
    }
    StructType schema = new StructType()
        .add(IMAGE_PATH, DataTypes.StringType, false)
        .add("relative", DataTypes.StringType, false)
        .add(INPUT_ERROR, DataTypes.StringType, true);
    JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
    return spark.createDataFrame(jsc.parallelize(rows, Math.max(1,
        Math.min(jsc.defaultParallelism(), rows.size()))), schema);
  }

  /** {@code --images dir} as a qualified path; it must be a folder. */
  public static Path folder(SparkSession spark, String dir) throws IOException {
    Path root = qualified(spark, dir);
    try {
      if (!root.getFileSystem(spark.sparkContext().hadoopConfiguration()).getFileStatus(root)
          .isDirectory()) {
        throw new IOException("--images " + dir + " is not a folder");
      }
    } catch (FileNotFoundException e) {
      throw new IOException("--images folder " + dir + " does not exist");
    }
    return root;
  }

  /** {@code *.{jpg,JPG,jpeg,...}}: globs are case-sensitive, photo extensions are not. */
  static String glob(List<String> extensions) {
    List<String> all = new ArrayList<>();
    for (String e : extensions) {
      String x = e.trim().replaceFirst("^\\.", "");
      all.add(x.toLowerCase(Locale.ROOT));
      all.add(x.toUpperCase(Locale.ROOT));
    }
    return "*.{" + String.join(",", all) + "}";
  }

  /**
   * The part of {@code path} below the folder {@code rootPath}, as plain text. Both are decoded
   * ("file:/a b/é.jpg", not "%20"): a file name may itself hold "%20".
   */
  static String relativeTo(String rootPath, String path) {
    String p = new Path(path).toUri().getPath();
    String root = rootPath.endsWith("/") ? rootPath : rootPath + "/";
    return p.startsWith(root) ? p.substring(root.length()) : path;
  }

  /**
   * Reads a CSV whose header must hold {@code required} (and may hold {@code optional}) columns.
   * Relative paths in {@code pathColumn} are resolved against {@code imagesRoot}, or the CSV's
   * folder when that is null. Every line becomes a row: the named columns (strings) but the path,
   * {@code image_path} (the path resolved) and {@code input_error}.
   */
  public static Dataset<Row> readCsv(SparkSession spark, String csv, String what,
      List<String> required, List<String> optional, String pathColumn, String imagesRoot)
      throws IOException {
    Path file = qualified(spark, csv);
    List<String> header = header(file, spark.sparkContext().hadoopConfiguration(), what);
    List<String> missing = new ArrayList<>(required);
    missing.removeAll(header);
    if (!missing.isEmpty()) {
      throw new IOException(what + " " + csv + ": the header line must name the columns "
          + String.join(",", required) + " (missing: " + String.join(",", missing)
          + "; found: " + String.join(",", header) + ")");
    }
    StructType schema = strings(header).add(CORRUPT, DataTypes.StringType, true);
    Dataset<Row> raw = spark.read().schema(schema)
        .option("header", "true")
        .option("mode", "PERMISSIVE")
        .option("columnNameOfCorruptRecord", CORRUPT)
        .option("ignoreLeadingWhiteSpace", "true")
        .option("ignoreTrailingWhiteSpace", "true")
        .csv(file.toString())
        .cache(); // Spark refuses queries on the corrupt-record column of an uncached CSV scan

    List<String> keep = new ArrayList<>(required);
    keep.remove(pathColumn); // it comes out resolved, as image_path
    for (String o : optional) {
      if (header.contains(o)) {
        keep.add(o);
      }
    }
    String base = (imagesRoot != null ? qualified(spark, imagesRoot) : file.getParent())
        .toUri().toString();
    StructType out = strings(keep).add(IMAGE_PATH, DataTypes.StringType, true)
        .add(INPUT_ERROR, DataTypes.StringType, true);
    return raw.map(new CsvRow(schema, keep, required, pathColumn, base), Encoders.row(out));
  }

  private static StructType strings(List<String> columns) {
    StructType schema = new StructType();
    for (String c : columns) {
      schema = schema.add(c, DataTypes.StringType, true);
    }
    return schema;
  }

  /**
   * One line of an input CSV as a row: the columns kept, the image path resolved against the
   * base, and why the line cannot be used (malformed, a required column empty), or null.
   */
  private static final class CsvRow implements MapFunction<Row, Row> {
    private static final long serialVersionUID = 1L;
    private final int[] keep;
    private final int path;
    private final int corrupt;
    private final int[] required;
    private final String[] requiredNames;
    private final String base;

    CsvRow(StructType schema, List<String> keep, List<String> required, String pathColumn,
        String base) {
      this.keep = keep.stream().mapToInt(schema::fieldIndex).toArray();
      this.path = schema.fieldIndex(pathColumn);
      this.corrupt = schema.fieldIndex(CORRUPT);
      this.required = required.stream().mapToInt(schema::fieldIndex).toArray();
      this.requiredNames = required.toArray(new String[0]);
      this.base = base;
    }

    @Override
    public Row call(Row r) {
      Object[] v = new Object[keep.length + 2];
      for (int i = 0; i < keep.length; i++) {
        v[i] = r.getString(keep[i]);
      }
      String p = r.getString(path);
      v[keep.length] = p == null || p.isBlank() ? null : resolve(base, p.trim());
      v[keep.length + 1] = error(r);
      return RowFactory.create(v);
    }

    private String error(Row r) {
      if (r.getString(corrupt) != null) {
        return "malformed CSV line: " + abbreviate(r.getString(corrupt));
      }
      for (int i = 0; i < required.length; i++) {
        String s = r.getString(required[i]);
        if (s == null || s.isBlank()) {
          return "CSV line has no " + requiredNames[i];
        }
      }
      return null;
    }
  }

  /** The lines of the text file {@code file} (local, hdfs://, s3a://); {@code what} names it. */
  public static List<String> readLines(SparkSession spark, String file, String what)
      throws IOException {
    Path p = qualified(spark, file);
    List<String> lines = new ArrayList<>();
    try (BufferedReader r = new BufferedReader(new InputStreamReader(
        p.getFileSystem(spark.sparkContext().hadoopConfiguration()).open(p),
        StandardCharsets.UTF_8))) {
      for (String line; (line = r.readLine()) != null; ) {
        lines.add(line);
      }
    } catch (FileNotFoundException e) {
      throw new IOException(what + " " + file + " does not exist");
    }
    return lines;
  }

  private static String abbreviate(String s) {
    String one = s.replace('\n', ' ').trim();
    return one.length() <= 120 ? one : one.substring(0, 117) + "...";
  }

  private static List<String> header(Path file, Configuration conf, String what)
      throws IOException {
    FileSystem fs = file.getFileSystem(conf);
    try (BufferedReader r = new BufferedReader(
        new InputStreamReader(fs.open(file), StandardCharsets.UTF_8))) {
      String line = r.readLine();
      if (line == null || line.isBlank()) {
        throw new IOException(what + " " + file + " is empty (it needs a header line)");
      }
      if (line.startsWith("\uFEFF")) {
        line = line.substring(1);
      }
      return Arrays.stream(line.split(",", -1)).map(String::trim).toList();
    } catch (FileNotFoundException e) {
      throw new IOException(what + " " + file + " does not exist");
    }
  }

  /** {@code p} as an absolute URI: kept when it has a scheme or is absolute, else under base. */
  public static String resolve(String baseUri, String p) {
    if (p.matches("^[a-zA-Z][a-zA-Z0-9+.-]*://.*") || p.startsWith("file:")) {
      return p;
    }
    if (p.startsWith("/")) {
      return new Path("file", null, p).toString();
    }
    Path base = new Path(URI.create(baseUri));
    return new Path(base, p).toString();
  }

  public static boolean exists(SparkSession spark, String path) throws IOException {
    Path p = qualified(spark, path);
    return p.getFileSystem(spark.sparkContext().hadoopConfiguration()).exists(p);
  }

  /** {@code path} with the default file system's scheme when it has none. */
  public static Path qualified(SparkSession spark, String path) throws IOException {
    Path p = new Path(path);
    return p.getFileSystem(spark.sparkContext().hadoopConfiguration()).makeQualified(p);
  }
}
