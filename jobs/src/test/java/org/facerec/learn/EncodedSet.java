package org.facerec.learn;

import java.awt.image.BufferedImage;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.facerec.detect.FinderSettings;
import org.facerec.detect.SharedModels;
import org.facerec.image.Resize;
import org.facerec.image.RgbImage;
import org.facerec.pipeline.EncodeOptions;
import org.facerec.pipeline.FacePipeline;
import org.facerec.pipeline.FaceResult;
import org.facerec.pipeline.FaceStatus;

/**
 * A labelled image set encoded through {@link FacePipeline} (the jobs' one encoding path) under
 * given options, and cached in a file keyed by the set, the options and the encoder's weights, so
 * that an experiment reruns in seconds once its images were encoded.
 *
 * @param name what the set is, e.g. {@code lfw-dev}
 * @param paths image paths relative to the set's images folder, in a fixed order
 * @param labels the person in each image
 * @param encodings each image's encoding, null where the pipeline gave none
 * @param status each image's {@link FaceStatus} name
 */
record EncodedSet(String name, List<String> paths, List<String> labels, List<float[]> encodings,
    List<String> status) {
  private static final int BATCH = 8;
  private static final int MAGIC = 0x46524c31; // "FRL1"

  /** A set's images before encoding. */
  record Listing(String name, Path images, List<String> paths, List<String> labels) {}

  /** lfw-dev: every image, labelled by its folder. */
  static Listing lfwDev(Path data) {
    Path images = data.resolve("lfw-dev/images");
    List<String> paths = walk(images);
    List<String> labels = paths.stream().map(p -> p.substring(0, p.indexOf('/'))).toList();
    return new Listing("lfw-dev", images, paths, labels);
  }

  /** celeba-dev: labels.csv's paths and identities. */
  static Listing celebaDev(Path data) throws IOException {
    Path root = data.resolve("celeba-dev");
    List<String> paths = new ArrayList<>();
    List<String> labels = new ArrayList<>();
    List<String> lines = Files.readAllLines(root.resolve("labels.csv"), StandardCharsets.UTF_8);
    for (String line : lines.subList(1, lines.size())) {
      String[] f = line.split(",");
      paths.add(f[0].trim());
      labels.add(f[1].trim());
    }
    return new Listing("celeba-dev", root.resolve("images"), paths, labels);
  }

  /** The Happy House's 18 images; each is labelled by its file name (camera_N stays camera_N). */
  static Listing happyHouse(Path data) {
    Path images = data.resolve("happy-house/images");
    List<String> paths = walk(images);
    List<String> labels = paths.stream().map(p -> p.substring(0, p.lastIndexOf('.'))).toList();
    return new Listing("happy-house", images, paths, labels);
  }

  private static List<String> walk(Path dir) {
    try (Stream<Path> files = Files.walk(dir)) {
      return files.filter(Files::isRegularFile)
          .map(p -> dir.relativize(p).toString().replace('\\', '/')).sorted().toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The images' encodings under {@code options}, from {@code cacheDir} when encoded before. */
  static EncodedSet encode(Listing set, EncodeOptions options, Path cacheDir) throws IOException {
    String key = cacheKey(set.name(), set.paths(), set.labels(), options.toString());
    Path cache = cacheDir.resolve(set.name() + "-" + key + ".bin");
    if (Files.exists(cache)) {
      return read(cache, set);
    }
    List<byte[]> bytes = new ArrayList<>();
    for (String p : set.paths()) {
      bytes.add(Files.readAllBytes(set.images().resolve(p)));
    }
    EncodedSet out = run(set, bytes, options);
    write(cache, out);
    return out;
  }

  /**
   * Tight crops of {@code set}'s faces, like the Happy House's: the detector's box squared with
   * no margin ({@code crop}), shrunk to {@code side} px, then encoded as images under
   * {@code cropOptions} (the Happy House's own settings: no detection, its framing).
   */
  static EncodedSet tightCrops(Listing set, EncodeOptions detectOptions, int side,
      EncodeOptions cropOptions, Path cacheDir) throws IOException {
    FinderSettings crop = detectOptions.finder().toBuilder()
        .alignment(FinderSettings.Alignment.CROP).cropMargin(0).build();
    EncodeOptions detect = new EncodeOptions(detectOptions.batchSize(), detectOptions.framing(),
        crop, detectOptions.rejectMultiple(), detectOptions.maxSide(), detectOptions.maxPixels(),
        detectOptions.maxBytes(), detectOptions.threads(), detectOptions.minSide(), false);
    String name = set.name() + "-tight" + side;
    String key = cacheKey(name, set.paths(), set.labels(), detect + "|" + cropOptions);
    Path cache = cacheDir.resolve(name + "-" + key + ".bin");
    if (Files.exists(cache)) {
      return read(cache, new Listing(name, set.images(), set.paths(), set.labels()));
    }
    List<byte[]> crops = new ArrayList<>();
    try (FacePipeline pipeline = new FacePipeline(detect, models())) {
      for (int from = 0; from < set.paths().size(); from += BATCH) {
        List<FacePipeline.Input> in = new ArrayList<>();
        for (String p : set.paths().subList(from, Math.min(set.paths().size(), from + BATCH))) {
          in.add(FacePipeline.Input.of(Files.readAllBytes(set.images().resolve(p))));
        }
        for (FaceResult r : pipeline.process(in)) {
          crops.add(r.chip() == null ? null : png(Resize.to(r.chip(), side, side)));
        }
        progress("tight crops of " + set.name(), from + in.size(), set.paths().size());
      }
    }
    EncodedSet out = run(new Listing(name, set.images(), set.paths(), set.labels()), crops,
        cropOptions);
    write(cache, out);
    return out;
  }

  private static EncodedSet run(Listing set, List<byte[]> bytes, EncodeOptions options) {
    List<float[]> enc = new ArrayList<>();
    List<String> status = new ArrayList<>();
    long start = System.nanoTime();
    try (FacePipeline pipeline = new FacePipeline(options, models())) {
      for (int from = 0; from < bytes.size(); from += BATCH) {
        List<FacePipeline.Input> in = new ArrayList<>();
        for (byte[] b : bytes.subList(from, Math.min(bytes.size(), from + BATCH))) {
          in.add(b == null ? new FacePipeline.Input(null, "no face to crop", null)
              : FacePipeline.Input.of(b));
        }
        for (FaceResult r : pipeline.process(in)) {
          enc.add(r.embedding());
          status.add(r.status().name());
        }
        progress("encoding " + set.name(), from + in.size(), bytes.size());
      }
    }
    System.err.printf(Locale.ROOT, "%s: %d images in %.0f s%n", set.name(), bytes.size(),
        (System.nanoTime() - start) / 1e9);
    return new EncodedSet(set.name(), set.paths(), set.labels(), enc, status);
  }

  private static void progress(String what, int done, int total) {
    if (done % 40 < BATCH || done == total) {
      System.err.printf(Locale.ROOT, "  %s: %d / %d%n", what, done, total);
    }
  }

  private static FacePipeline.Models models() {
    return FacePipeline.lazily(SharedModels::dlib, SharedModels::finder);
  }

  private static byte[] png(RgbImage img) {
    BufferedImage bi = new BufferedImage(img.width(), img.height(), BufferedImage.TYPE_INT_RGB);
    for (int y = 0; y < img.height(); y++) {
      for (int x = 0; x < img.width(); x++) {
        bi.setRGB(x, y, (img.get(x, y, 0) << 16) | (img.get(x, y, 1) << 8) | img.get(x, y, 2));
      }
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try {
      ImageIO.write(bi, "png", out);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  /** First 16 hex of SHA-256 over the set, the options and the encoder's weights. */
  private static String cacheKey(String name, List<String> paths, List<String> labels,
      String options) {
    try {
      MessageDigest md = MessageDigest.getInstance("SHA-256");
      md.update((name + "\n" + options + "\n" + SharedModels.dlib().weightsChecksum() + "\n")
          .getBytes(StandardCharsets.UTF_8));
      for (int i = 0; i < paths.size(); i++) {
        md.update((paths.get(i) + "," + labels.get(i) + "\n").getBytes(StandardCharsets.UTF_8));
      }
      return HexFormat.of().formatHex(md.digest()).substring(0, 16);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private static void write(Path file, EncodedSet s) throws IOException {
    Files.createDirectories(file.getParent());
    Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
    try (DataOutputStream out = new DataOutputStream(new BufferedOutputStream(
        Files.newOutputStream(tmp)))) {
      out.writeInt(MAGIC);
      out.writeInt(s.paths().size());
      for (int i = 0; i < s.paths().size(); i++) {
        out.writeUTF(s.paths().get(i));
        out.writeUTF(s.status().get(i));
        float[] e = s.encodings().get(i);
        out.writeInt(e == null ? -1 : e.length);
        if (e != null) {
          for (float v : e) {
            out.writeFloat(v);
          }
        }
      }
    }
    Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
  }

  private static EncodedSet read(Path file, Listing set) throws IOException {
    List<float[]> enc = new ArrayList<>();
    List<String> status = new ArrayList<>();
    try (DataInputStream in = new DataInputStream(new BufferedInputStream(
        Files.newInputStream(file)))) {
      if (in.readInt() != MAGIC || in.readInt() != set.paths().size()) {
        throw new IOException(file + " is not this set's cache");
      }
      for (String p : set.paths()) {
        if (!in.readUTF().equals(p)) {
          throw new IOException(file + " lists other images");
        }
        status.add(in.readUTF());
        int n = in.readInt();
        float[] e = n < 0 ? null : new float[n];
        for (int i = 0; i < n; i++) {
          e[i] = in.readFloat();
        }
        enc.add(e);
      }
    }
    return new EncodedSet(set.name(), set.paths(), set.labels(), enc, status);
  }

  /** The encodings by path (null where the image failed). */
  Map<String, float[]> byPath() {
    Map<String, float[]> m = new LinkedHashMap<>();
    for (int i = 0; i < paths.size(); i++) {
      m.put(paths.get(i), encodings.get(i));
    }
    return m;
  }

  /** The OK encodings grouped by person, in path order. */
  Map<String, List<float[]>> byLabel() {
    Map<String, List<float[]>> m = new LinkedHashMap<>();
    for (int i = 0; i < paths.size(); i++) {
      if (encodings.get(i) != null) {
        m.computeIfAbsent(labels.get(i), k -> new ArrayList<>()).add(encodings.get(i));
      }
    }
    return m;
  }

  /** Counts per status, e.g. {@code OK 3811}. */
  String statusCounts() {
    Map<String, Integer> c = new java.util.TreeMap<>();
    status.forEach(s -> c.merge(s, 1, Integer::sum));
    return c.toString();
  }
}
