package org.facerec.detect;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;
import org.facerec.TestData;
import org.facerec.image.ImageDecoder;
import org.facerec.image.RgbImage;

/**
 * Single-threaded speed of {@link DlibHogDetector} per stage on lfw-dev's 250x250 photos, beside
 * dlib's own (src/test/cpp/dlib_hog_time.cpp) on the same decoded pixels:
 *
 * <pre>
 *   java -cp ... org.facerec.detect.DlibHogBenchmark [IMAGES [RUNS [UPSAMPLE [DLIB_HOG_TIME]]]]
 * </pre>
 *
 * IMAGES (default 300) evenly spaced through the sorted lfw-dev list; RUNS (default 7) passes
 * over them after two warm-up passes; prints the median over passes of ms per image (this
 * thread's CPU time, which the machine's other work inflates far less than wall time) for each
 * stage, and the whole call timed without the stage clocks. Given the path of a built
 * {@code dlib_hog_time}, writes the decoded images to a temporary file and runs it with the
 * same number of passes.
 */
public final class DlibHogBenchmark {
  /** This thread's CPU time: what the machine's other work does not inflate (much). */
  private static final ThreadMXBean CPU = ManagementFactory.getThreadMXBean();

  private DlibHogBenchmark() {}

  public static void main(String[] args) throws Exception {
    int count = args.length > 0 ? Integer.parseInt(args[0]) : 300;
    int runs = args.length > 1 ? Integer.parseInt(args[1]) : 7;
    int upsample = args.length > 2 ? Integer.parseInt(args[2]) : DlibHogDetector.DEFAULT_UPSAMPLE;
    List<RgbImage> images = lfwImages(count);
    DlibHogDetector detector = DlibHogDetector.create(upsample);
    String[] names = {"pyramid_up", "pyramid", "fhog", "scan", "nms", "total (staged)",
      "whole call"};
    List<double[]> perRun = new ArrayList<>();
    long found = 0;
    for (int run = -2; run < runs; run++) {
      DlibHogDetector.StageTimes t = new DlibHogDetector.StageTimes(CPU::getCurrentThreadCpuTime);
      for (RgbImage img : images) {
        found += detector.detectRectangles(img, 0, t).size();
      }
      long start = CPU.getCurrentThreadCpuTime();
      for (RgbImage img : images) {
        detector.detectRectangles(img, 0);
      }
      long whole = CPU.getCurrentThreadCpuTime() - start;
      if (run < 0) {
        continue;
      }
      double n = images.size() * 1e6;
      perRun.add(new double[] {t.upsample / n, t.pyramid / n, t.fhog / n, t.scan / n,
        t.nms / n, (t.upsample + t.pyramid + t.fhog + t.scan + t.nms) / n, whole / n});
    }
    System.out.printf(Locale.ROOT, "Java: %d lfw-dev images, upsample %d, %d runs (+2 warm-up),"
        + " %.3f detections/image%n", images.size(), upsample, runs,
        found / (double) (images.size() * (runs + 2)));
    for (int s = 0; s < names.length; s++) {
      double[] v = new double[perRun.size()];
      for (int r = 0; r < v.length; r++) {
        v[r] = perRun.get(r)[s];
      }
      System.out.printf(Locale.ROOT, "%-16s %8.3f ms/image%n", names[s], median(v));
    }
    if (args.length > 3) {
      Path records = Files.createTempFile("dlib-hog-bench", ".bin");
      try {
        writeRecords(images, upsample, records);
        Process p = new ProcessBuilder(args[3], records.toString(), Integer.toString(runs))
            .inheritIO().start();
        if (p.waitFor() != 0) {
          throw new IllegalStateException(args[3] + " failed");
        }
      } finally {
        Files.deleteIfExists(records);
      }
    }
  }

  static List<RgbImage> lfwImages(int count) throws IOException {
    List<Path> all;
    try (Stream<Path> s = Files.walk(TestData.data("lfw-dev/images"))) {
      all = s.filter(p -> p.toString().endsWith(".jpg")).sorted().toList();
    }
    List<RgbImage> out = new ArrayList<>();
    ImageDecoder decoder = new ImageDecoder();
    for (int i = 0; i < count && i < all.size(); i++) {
      Path p = all.get((int) ((long) i * all.size() / Math.min(count, all.size())));
      out.add(decoder.decode(Files.readAllBytes(p)).image());
    }
    return out;
  }

  private static void writeRecords(List<RgbImage> images, int upsample, Path file)
      throws IOException {
    try (OutputStream o = new BufferedOutputStream(Files.newOutputStream(file), 1 << 20)) {
      for (RgbImage img : images) {
        o.write(ByteBuffer.allocate(20).order(ByteOrder.LITTLE_ENDIAN).putInt(img.width())
            .putInt(img.height()).putInt(upsample).putDouble(0).array());
        o.write(img.rgb());
      }
    }
  }

  private static double median(double[] v) {
    double[] s = v.clone();
    Arrays.sort(s);
    int n = s.length;
    return n % 2 == 1 ? s[n / 2] : 0.5 * (s[n / 2 - 1] + s[n / 2]);
  }
}
