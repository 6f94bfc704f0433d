package org.facerec.detect;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;
import org.facerec.TestData;
import org.facerec.image.ImageDecoder;
import org.facerec.image.RgbImage;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@link DlibShapePredictor} against dlib 19.24 itself: dlib's 68-point model on 78 images (40
 * lfw-dev, 20 celeba-dev of every size up to 5,616 px, the 18 Happy House crops), each with the
 * boxes of dlib's HOG face detector (one upsample, as Python's {@code detector(img, 1)}) and fixed
 * boxes: the whole image, one partly outside it, on some images a 12x12 box and one wholly
 * outside. Every coordinate within 0.01 px of dlib's unrounded one, and rounded as dlib rounds
 * it, the same integer point. The expected landmarks come from
 * src/test/cpp/dlib_shape_predictor.cpp ({@link #main} regenerates them); this test needs no dlib,
 * only the model file (skipped when it is in neither the models folder nor /usr/share/dlib).
 */
class DlibShapePredictorGoldenTest {
  static final String GOLDEN = "/org/facerec/detect/dlib-shape-predictor-golden.csv";
  /** Debian's libdlib-data puts the model here. */
  static final Path DEBIAN_MODEL = Paths.get("/usr/share/dlib", DlibShapePredictor.MODEL_FILE);
  private static final double TOLERANCE = 0.01;

  /** One golden row: an image (relative to the data folder), a box and dlib's landmarks. */
  record Row(String image, String kind, DlibRectangle rect, double[] xy) {}

  private static DlibShapePredictor predictor;
  private static String goldenModelSha;
  private static List<Row> rows;
  private static Map<String, RgbImage> images;

  @BeforeAll
  static void load() throws IOException {
    Path model = modelFile();
    Assumptions.assumeTrue(model != null, "dlib's " + DlibShapePredictor.MODEL_FILE + " is "
        + "neither in the models folder nor in /usr/share/dlib (Debian's libdlib-data): skipped");
    predictor = DlibShapePredictor.read(model);
    rows = new ArrayList<>();
    try (BufferedReader r = new BufferedReader(new InputStreamReader(
        DlibShapePredictorGoldenTest.class.getResourceAsStream(GOLDEN), StandardCharsets.UTF_8))) {
      for (String line; (line = r.readLine()) != null; ) {
        if (line.startsWith("# model sha256 ")) {
          goldenModelSha = line.substring("# model sha256 ".length()).trim();
        }
        if (line.startsWith("#") || line.startsWith("image,")) {
          continue;
        }
        String[] f = line.split(",");
        double[] xy = new double[136];
        for (int i = 0; i < 136; i++) {
          xy[i] = Double.parseDouble(f[6 + i]);
        }
        rows.add(new Row(f[0], f[1], new DlibRectangle(Long.parseLong(f[2]),
            Long.parseLong(f[3]), Long.parseLong(f[4]), Long.parseLong(f[5])), xy));
      }
    }
    images = new LinkedHashMap<>();
    ImageDecoder decoder = new ImageDecoder();
    for (Row row : rows) {
      if (!images.containsKey(row.image())) {
        images.put(row.image(), decode(decoder, TestData.data(row.image())));
      }
    }
  }

  @AfterAll
  static void release() {
    // the decoded images (about 200 MB) and the trees need not outlive this class in the test JVM
    images = null;
    predictor = null;
  }

  /** {@code models/shape_predictor_68_face_landmarks.dat}, else Debian's copy, else null. */
  static Path modelFile() {
    try {
      Path inModels = DlibShapePredictor.modelFile(TestData.modelsDir());
      if (Files.isRegularFile(inModels)) {
        return inModels;
      }
    } catch (IllegalStateException noModelsFolder) {
      // fall through to Debian's copy
    }
    return Files.isRegularFile(DEBIAN_MODEL) ? DEBIAN_MODEL : null;
  }

  @Test
  void theModelIsTheOneTheGoldenWasMadeWith() {
    assertThat(predictor.checksum()).as("SHA-256 of the model file").isEqualTo(goldenModelSha);
    assertThat(predictor.numParts()).isEqualTo(68);
    assertThat(predictor.numCascades()).isEqualTo(15);
    assertThat(predictor.numTrees()).isEqualTo(15 * 500);
  }

  @Test
  void theGoldenCoversEveryKindOfBox() {
    Map<String, Integer> kinds = new LinkedHashMap<>();
    rows.forEach(r -> kinds.merge(r.kind(), 1, Integer::sum));
    System.out.println("dlib shape predictor golden: " + rows.size() + " boxes on "
        + images.size() + " images " + kinds);
    assertThat(images).hasSize(78);
    assertThat(kinds.keySet()).containsExactlyInAnyOrder("hog", "whole", "partly-outside",
        "tiny", "outside");
    assertThat(images.values().stream().mapToInt(RgbImage::width).max().getAsInt())
        .isGreaterThan(3000);
  }

  @Test
  void landmarksAreDlibs() {
    double worst = 0;
    String worstAt = "";
    int roundedCompared = 0;
    int roundedDiffer = 0;
    for (Row row : rows) {
      double[] got = predictor.predictXy(images.get(row.image()), row.rect());
      for (int k = 0; k < 136; k++) {
        double want = row.xy()[k];
        double d = Math.abs(got[k] - want);
        if (d > worst) {
          worst = d;
          worstAt = row.image() + " " + row.kind() + " " + row.rect() + " coordinate " + k;
        }
        assertThat(d).as("%s %s %s coordinate %d", row.image(), row.kind(), row.rect(), k)
            .isLessThanOrEqualTo(TOLERANCE);
        // dlib's integer point; the golden's 6 decimals cannot say which way a value within
        // 1e-6 of a half pixel rounds, so those are left to the unrounded comparison
        if (Math.abs(want - Math.floor(want) - 0.5) > 1e-6) {
          roundedCompared++;
          if (Math.floor(got[k] + 0.5) != Math.floor(want + 0.5)) {
            roundedDiffer++;
          }
        }
      }
    }
    System.out.printf(Locale.ROOT, "dlib shape predictor: %d boxes, max |ours - dlib| %.3g px "
        + "(%s); rounded points: %d of %d coordinates differ%n", rows.size(), worst, worstAt,
        roundedDiffer, roundedCompared);
    assertThat(roundedDiffer).isZero();
    assertThat(roundedCompared).isGreaterThan(rows.size() * 130);
  }

  @Test
  void aDetectionBoxMapsToDlibsRectangle() {
    Row row = rows.stream().filter(r -> r.kind().equals("hog")).findFirst().orElseThrow();
    Detection box = row.rect().toDetection(1, Detection.Source.WHOLE_IMAGE);
    assertThat(DlibRectangle.of(box)).isEqualTo(row.rect());
    RgbImage img = images.get(row.image());
    Landmarks lm = predictor.predict(img, box);
    assertThat(lm.xy()).containsExactly(predictor.predictXy(img, row.rect()));
    double[] rounded = DlibShapePredictor.roundedAsDlib(lm).xy();
    for (int k = 0; k < 136; k++) {
      assertThat(rounded[k]).isEqualTo(Math.floor(lm.xy()[k] + 0.5));
    }
  }

  @Test
  void threadsShareOnePredictor() throws Exception {
    List<double[]> serial = new ArrayList<>();
    for (Row row : rows) {
      serial.add(predictor.predictXy(images.get(row.image()), row.rect()));
    }
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      List<Future<double[]>> futures = new ArrayList<>();
      for (int pass = 0; pass < 4; pass++) {
        for (Row row : rows) {
          futures.add(pool.submit(() -> predictor.predictXy(images.get(row.image()),
              row.rect())));
        }
      }
      for (int i = 0; i < futures.size(); i++) {
        assertThat(futures.get(i).get()).containsExactly(serial.get(i % rows.size()));
      }
    } finally {
      pool.shutdown();
    }
  }

  /**
   * Single-thread speed on the lfw-dev HOG boxes: the median over runs of the mean ms per face,
   * by the wall clock and by the thread's CPU time (which a busy machine inflates less).
   */
  @Test
  void speed() {
    List<Row> faces = rows.stream()
        .filter(r -> r.kind().equals("hog") && r.image().startsWith("lfw-dev/")).toList();
    double sink = 0;
    for (int i = 0; i < 10; i++) { // warm-up: let the JIT compile the loops
      for (Row r : faces) {
        sink += predictor.predictXy(images.get(r.image()), r.rect())[0];
      }
    }
    ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    double[] wall = new double[7];
    double[] cpu = new double[wall.length];
    for (int run = 0; run < wall.length; run++) {
      long t0 = System.nanoTime();
      long c0 = threads.getCurrentThreadCpuTime();
      for (Row r : faces) {
        sink += predictor.predictXy(images.get(r.image()), r.rect())[0];
      }
      cpu[run] = (threads.getCurrentThreadCpuTime() - c0) / 1e6 / faces.size();
      wall[run] = (System.nanoTime() - t0) / 1e6 / faces.size();
    }
    Arrays.sort(wall);
    Arrays.sort(cpu);
    System.out.printf(Locale.ROOT, "dlib shape predictor: %.3f ms/face wall, %.3f ms/face CPU "
        + "(medians of %d runs over %d lfw-dev HOG boxes, one thread; wall %.3f..%.3f)%n",
        wall[wall.length / 2], cpu[cpu.length / 2], wall.length, faces.size(), wall[0],
        wall[wall.length - 1]);
    assertThat(sink).isFinite();
  }

  @Test
  void theRealModelTruncatedFailsNamingTheFile() throws IOException {
    byte[] all = Files.readAllBytes(modelFile());
    byte[] half = Arrays.copyOf(all, all.length / 2);
    assertThatThrownBy(() -> DlibShapePredictor.read(half, "half.dat"))
        .isInstanceOf(IOException.class)
        .hasMessageStartingWith("half.dat: truncated")
        .hasMessageContaining("the file ends at byte " + half.length)
        .hasMessageContaining("cascade");
  }

  private static RgbImage decode(ImageDecoder decoder, Path file) {
    try {
      ImageDecoder.Decoded d = decoder.decode(Files.readAllBytes(file));
      if (d.error() != null) {
        throw new IllegalStateException(file + ": " + d.error());
      }
      return d.image();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Regenerating the golden

  /** The images: lfw-dev and celeba-dev picked evenly (plus celeba's largest), all Happy House. */
  static List<String> goldenImages() throws IOException {
    List<String> out = new ArrayList<>();
    List<String> lfw = listImages("lfw-dev/images");
    for (int i = 0; i < 40; i++) {
      out.add(lfw.get(i * lfw.size() / 40));
    }
    List<String> celeba = listImages("celeba-dev/images");
    List<String> picked = new ArrayList<>();
    for (int i = 0; i < 16; i++) {
      picked.add(celeba.get(i * celeba.size() / 16));
    }
    // the 4 largest by pixel count, for the predictor at every scale
    List<String> bySize = new ArrayList<>(celeba);
    Map<String, Long> pixels = new LinkedHashMap<>();
    for (String c : celeba) {
      pixels.put(c, pixelCount(TestData.data(c)));
    }
    bySize.sort(Comparator.comparing((String c) -> pixels.get(c)).reversed());
    for (String c : bySize) {
      if (picked.size() == 20) {
        break;
      }
      if (!picked.contains(c)) {
        picked.add(c);
      }
    }
    out.addAll(picked);
    out.addAll(listImages("happy-house/images"));
    return out;
  }

  private static List<String> listImages(String dir) throws IOException {
    Path root = TestData.dataDir();
    try (Stream<Path> s = Files.walk(root.resolve(dir))) {
      return s.filter(Files::isRegularFile)
          .map(p -> root.relativize(p).toString().replace('\\', '/'))
          .filter(p -> p.endsWith(".jpg") || p.endsWith(".png")).sorted().toList();
    }
  }

  private static long pixelCount(Path file) throws IOException {
    try (ImageInputStream in = ImageIO.createImageInputStream(file.toFile())) {
      ImageReader reader = ImageIO.getImageReaders(in).next();
      try {
        reader.setInput(in);
        return (long) reader.getWidth(0) * reader.getHeight(0);
      } finally {
        reader.dispose();
      }
    }
  }

  /** The fixed boxes of the {@code i}-th image, {@code w x h}: name and dlib rectangle. */
  static Map<String, long[]> fixedBoxes(int i, int w, int h) {
    Map<String, long[]> boxes = new LinkedHashMap<>();
    boxes.put("whole", new long[] {0, 0, w - 1, h - 1});
    boxes.put("partly-outside", new long[] {-(w / 4), -(h / 4), w / 2, h / 2});
    if (i % 3 == 0) {
      boxes.put("tiny", new long[] {w / 2 - 6, h / 2 - 6, w / 2 + 5, h / 2 + 5});
    }
    if (i % 6 == 0) {
      boxes.put("outside", new long[] {w + 20, h + 20, w + 119, h + 119});
    }
    return boxes;
  }

  /**
   * Regenerates the golden: {@code main(<dlib_shape_predictor binary>[, <model .dat>[, <out
   * csv>]])}, run from the repository root (model default: as the test finds it; output default:
   * the test resource). Decodes each image with our ImageDecoder, sends it with its fixed boxes to
   * the program, which adds dlib's HOG boxes (one upsample), and writes the landmarks with 6
   * decimals.
   */
  public static void main(String[] args) throws Exception {
    Path model = args.length > 1 ? Paths.get(args[1]) : modelFile();
    Path out = Paths.get(args.length > 2 ? args[2]
        : "udfs/src/test/resources" + GOLDEN);
    List<String> names = goldenImages();
    ImageDecoder decoder = new ImageDecoder();
    Process p = new ProcessBuilder(args[0], model.toString())
        .redirectError(ProcessBuilder.Redirect.INHERIT).start();
    List<int[]> sizes = new ArrayList<>();
    for (String n : names) {
      RgbImage img = decode(decoder, TestData.data(n));
      sizes.add(new int[] {img.width(), img.height()});
    }
    Thread feeder = new Thread(() -> {
      try (OutputStream o = p.getOutputStream()) {
        for (int i = 0; i < names.size(); i++) {
          RgbImage img = decode(decoder, TestData.data(names.get(i)));
          Map<String, long[]> fixed = fixedBoxes(i, img.width(), img.height());
          ByteBuffer head = ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN)
              .putInt(img.width()).putInt(img.height()).putInt(1).putInt(fixed.size());
          o.write(head.array());
          o.write(img.rgb());
          ByteBuffer b = ByteBuffer.allocate(16 * fixed.size()).order(ByteOrder.LITTLE_ENDIAN);
          fixed.values().forEach(r -> {
            for (long v : r) {
              b.putInt((int) v);
            }
          });
          o.write(b.array());
        }
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    });
    feeder.start();
    Files.createDirectories(out.toAbsolutePath().getParent());
    try (InputStream in = p.getInputStream();
        BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
        BufferedWriter w = Files.newBufferedWriter(out, StandardCharsets.UTF_8)) {
      w.write("# dlib 19.24 shape_predictor(img, rect) unrounded landmarks, made by "
          + "src/test/cpp/dlib_shape_predictor.cpp; regenerate with "
          + "DlibShapePredictorGoldenTest.main\n");
      w.write("# model sha256 " + DlibShapePredictor.read(model).checksum() + "\n");
      w.write("# image: relative to the shared data folder; kind: hog (dlib's HOG detector, one "
          + "upsample) or a fixed box; left,top,right,bottom: dlib rectangle (inclusive)\n");
      StringBuilder head = new StringBuilder("image,kind,left,top,right,bottom");
      for (int k = 0; k < 68; k++) {
        head.append(",x").append(k).append(",y").append(k);
      }
      w.write(head + "\n");
      for (int i = 0; i < names.size(); i++) {
        String count = r.readLine();
        if (count == null || !count.startsWith("n=")) {
          throw new IllegalStateException("unexpected output for " + names.get(i) + ": " + count);
        }
        int n = Integer.parseInt(count.substring(2));
        List<String> fixed = new ArrayList<>(fixedBoxes(i, sizes.get(i)[0], sizes.get(i)[1])
            .keySet());
        int hog = n - fixed.size();
        for (int j = 0; j < n; j++) {
          String[] f = r.readLine().split(",");
          if (!f[0].equals(j < hog ? "hog" : "box") || f.length != 5 + 136) {
            throw new IllegalStateException("unexpected row for " + names.get(i) + ": " + f[0]);
          }
          StringBuilder line = new StringBuilder(names.get(i)).append(',')
              .append(j < hog ? "hog" : fixed.get(j - hog));
          for (int k = 1; k <= 4; k++) {
            line.append(',').append(f[k]);
          }
          for (int k = 5; k < f.length; k++) {
            line.append(String.format(Locale.ROOT, ",%.6f", Double.parseDouble(f[k])));
          }
          w.write(line + "\n");
        }
      }
    }
    feeder.join();
    if (p.waitFor() != 0) {
      throw new IllegalStateException(args[0] + " failed with exit code " + p.exitValue());
    }
  }
}
