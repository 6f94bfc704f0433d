package org.facerec.detect;

import java.io.BufferedOutputStream;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.facerec.TestData;
import org.facerec.image.ImageDecoder;
import org.facerec.image.RgbImage;

/**
 * dlib's own HOG detections for {@link DlibHogDetectorGoldenTest}: the runs listed in
 * {@code dlib-hog-golden-images.txt} (which documents its format and how the images were
 * chosen) and their results in {@code dlib-hog-golden.csv}, one row per detection (or one row
 * with {@code detections} 0), written by {@link #main} with
 * {@code src/test/cpp/dlib_hog_detect.cpp}.
 */
final class DlibHogGolden {
  static final String RESOURCES = "/org/facerec/detect/";
  static final String IMAGES = "dlib-hog-golden-images.txt";
  static final String CSV = "dlib-hog-golden.csv";
  static final String CSV_HEADER =
      "image,width,height,upsample,adjust,detections,rank,left,top,right,bottom,score,filter";

  private DlibHogGolden() {}

  /** One detector call: an image, how often it is upsampled, dlib's adjust_threshold. */
  record Run(String image, int upsample, double adjust) {
    @Override
    public String toString() {
      return image + " upsample " + upsample + (adjust == 0 ? "" : " adjust " + adjust);
    }
  }

  /** The runs in the list's order. */
  static List<Run> runs() {
    List<Run> runs = new ArrayList<>();
    for (String line : lines(IMAGES)) {
      if (line.isBlank() || line.startsWith("#")) {
        continue;
      }
      String[] f = line.trim().split(" ");
      for (String r : f[1].split(",")) {
        String[] ua = r.split("@");
        runs.add(new Run(f[0], Integer.parseInt(ua[0]),
            ua.length > 1 ? Double.parseDouble(ua[1]) : 0));
      }
    }
    return runs;
  }

  /** What dlib found in one run: the image's size and the detections, in dlib's order. */
  record Result(int width, int height, List<DlibHogDetection> detections) {}

  /** dlib's results per run, from the CSV. */
  static Map<Run, Result> expected() {
    Map<Run, Result> out = new LinkedHashMap<>();
    List<String> lines = lines(CSV);
    if (!CSV_HEADER.equals(lines.get(0))) {
      throw new IllegalStateException(CSV + ": unexpected header " + lines.get(0));
    }
    for (String line : lines.subList(1, lines.size())) {
      String[] f = line.split(",", -1);
      Run run = new Run(f[0], Integer.parseInt(f[3]), Double.parseDouble(f[4]));
      List<DlibHogDetection> dets = out.computeIfAbsent(run, k -> new Result(
          Integer.parseInt(f[1]), Integer.parseInt(f[2]), new ArrayList<>())).detections();
      if (Integer.parseInt(f[5]) > 0) {
        dets.add(new DlibHogDetection(new DlibRectangle(Long.parseLong(f[7]),
            Long.parseLong(f[8]), Long.parseLong(f[9]), Long.parseLong(f[10])),
            Double.parseDouble(f[11]), Integer.parseInt(f[12])));
      }
    }
    return out;
  }

  /**
   * A run's image: decoded from the shared data, or made up (see the list's header). Synthetic
   * images: {@code flat} mid grey, {@code noise} and {@code tiny} bytes of a fixed LCG,
   * {@code pattern} {@link AlignmentReferenceTest#synthetic}, {@code dot} one pixel.
   */
  static RgbImage image(String name) {
    if (name.startsWith("synthetic:")) {
      String[] kind = name.substring("synthetic:".length()).split("-");
      String[] wh = kind[1].split("x");
      int w = Integer.parseInt(wh[0]);
      int h = Integer.parseInt(wh[1]);
      byte[] rgb = new byte[3 * w * h];
      switch (kind[0]) {
        case "flat" -> java.util.Arrays.fill(rgb, (byte) 128);
        case "noise", "tiny" -> {
          long s = 12345;
          for (int i = 0; i < rgb.length; i++) {
            s = s * 6364136223846793005L + 1442695040888963407L;
            rgb[i] = (byte) (s >>> 56);
          }
        }
        case "pattern" -> {
          return AlignmentReferenceTest.synthetic(w, h);
        }
        case "dot" -> {
          rgb[0] = (byte) 200;
          rgb[1] = 100;
          rgb[2] = 50;
        }
        default -> throw new IllegalArgumentException(name);
      }
      return new RgbImage(w, h, rgb);
    }
    if (name.startsWith("tile2x2:")) {
      RgbImage img = decode(name.substring("tile2x2:".length()));
      int w = img.width() / 8 * 8;
      int h = img.height() / 8 * 8;
      byte[] rgb = new byte[3 * 4 * w * h];
      for (int y = 0; y < 2 * h; y++) {
        for (int x = 0; x < 2 * w; x++) {
          System.arraycopy(img.rgb(), 3 * ((y % h) * img.width() + x % w), rgb,
              3 * (y * 2 * w + x), 3);
        }
      }
      return new RgbImage(2 * w, 2 * h, rgb);
    }
    if (name.startsWith("invert-green:")) {
      RgbImage img = decode(name.substring("invert-green:".length()));
      byte[] rgb = new byte[img.rgb().length];
      for (int i = 0; i < rgb.length; i += 3) {
        int grey = ((img.rgb()[i] & 0xff) + (img.rgb()[i + 1] & 0xff)
            + (img.rgb()[i + 2] & 0xff)) / 3;
        rgb[i] = (byte) grey;
        rgb[i + 1] = (byte) (255 - grey);
        rgb[i + 2] = (byte) 128;
      }
      return new RgbImage(img.width(), img.height(), rgb);
    }
    return decode(name);
  }

  private static RgbImage decode(String relative) {
    try {
      ImageDecoder.Decoded d = new ImageDecoder().decode(
          Files.readAllBytes(TestData.data(relative)));
      if (!d.ok()) {
        throw new IllegalStateException(relative + ": " + d.error());
      }
      return d.image();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static List<String> lines(String resource) {
    try (InputStream in = DlibHogGolden.class.getResourceAsStream(RESOURCES + resource)) {
      if (in == null) {
        throw new IllegalStateException(resource + " is missing");
      }
      return new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8)).lines()
          .toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Regenerates the CSV: {@code main(<dlib_hog_detect binary>, <output csv>)}, all runs through
   * one process of the reference program (records: int32 width, height, upsample, float64
   * adjust, RGB bytes; see its header).
   */
  public static void main(String[] args) throws Exception {
    List<Run> runs = runs();
    Process p = new ProcessBuilder(args[0]).redirectError(ProcessBuilder.Redirect.INHERIT).start();
    List<int[]> sizes = new ArrayList<>();
    Thread feeder = new Thread(() -> {
      try (OutputStream o = new BufferedOutputStream(p.getOutputStream(), 1 << 20)) {
        for (Run run : runs) {
          RgbImage img = image(run.image());
          synchronized (sizes) {
            sizes.add(new int[] {img.width(), img.height()});
          }
          o.write(ByteBuffer.allocate(20).order(ByteOrder.LITTLE_ENDIAN).putInt(img.width())
              .putInt(img.height()).putInt(run.upsample()).putDouble(run.adjust()).array());
          o.write(img.rgb());
        }
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    });
    feeder.start();
    Path out = Paths.get(args[1]);
    try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(),
        StandardCharsets.US_ASCII)); Writer w = Files.newBufferedWriter(out)) {
      w.write(CSV_HEADER + "\n");
      for (int i = 0; i < runs.size(); i++) {
        Run run = runs.get(i);
        String head = r.readLine();
        if (head == null || !head.startsWith("n ")) {
          throw new IllegalStateException("reference program: " + head);
        }
        int n = Integer.parseInt(head.substring(2));
        int[] size;
        synchronized (sizes) {
          size = sizes.get(i);
        }
        String prefix = String.format(Locale.ROOT, "%s,%d,%d,%d,%s,%d,", run.image(), size[0],
            size[1], run.upsample(), run.adjust(), n);
        if (n == 0) {
          w.write(prefix + ",,,,,,\n");
        }
        for (int k = 0; k < n; k++) {
          w.write(prefix + k + "," + r.readLine().replace(' ', ',') + "\n");
        }
      }
    }
    feeder.join();
    if (p.waitFor() != 0) {
      throw new IllegalStateException("reference program failed");
    }
  }
}
