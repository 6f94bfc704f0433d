package org.facerec;

import ai.djl.Device;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.facerec.eval.Pair;
import org.facerec.eval.PairsFile;
import org.facerec.image.Framing;
import org.facerec.image.ImageDecoder;
import org.facerec.image.RgbImage;
import org.facerec.model.FaceEncoder;
import org.facerec.model.FaceModel;

/**
 * The lfw-dev set for tests: its pairs, its images, and their dlib encodings under a framing,
 * each computed once per test JVM (every test class in a run shares them).
 */
public final class LfwDev {
  /** The framing the tests encode with. */
  public static final Framing FRAMING = Framing.LFW;
  private static final int BATCH = 32;
  private static final Map<Framing, Map<String, float[]>> ENCODINGS = new HashMap<>();

  private LfwDev() {}

  public static Path root() {
    return TestData.data("lfw-dev");
  }

  public static List<Pair> pairs() {
    try {
      return PairsFile.read(root().resolve("pairs.csv"));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The first {@code perClass} genuine and impostor pairs of each of the first folds. */
  public static List<Pair> pairs(int folds, int perClass) {
    List<Pair> all = pairs();
    List<Pair> subset = new ArrayList<>();
    for (int fold = 1; fold <= folds; fold++) {
      for (boolean same : new boolean[] {true, false}) {
        int f = fold;
        all.stream().filter(p -> p.fold() == f && p.same() == same).limit(perClass)
            .forEach(subset::add);
      }
    }
    return subset;
  }

  /** Every image as {@code name/name_000N.jpg}, sorted. */
  public static List<String> paths() {
    Path dir = root().resolve("images");
    try (Stream<Path> files = Files.walk(dir)) {
      return files.filter(Files::isRegularFile)
          .map(p -> dir.relativize(p).toString().replace('\\', '/')).sorted().toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public static RgbImage image(String path) {
    try {
      ImageDecoder.Decoded d = new ImageDecoder()
          .decode(Files.readAllBytes(root().resolve("images").resolve(path)));
      if (!d.ok()) {
        throw new IllegalStateException(path + ": " + d.error());
      }
      return d.image();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The dlib encodings of {@code paths} framed by {@link #FRAMING}. */
  public static Map<String, float[]> encodings(Collection<String> paths) {
    return encodings(FRAMING, paths);
  }

  /** The dlib encodings of all images framed by {@code framing}. */
  public static Map<String, float[]> encodings(Framing framing) {
    return encodings(framing, paths());
  }

  /**
   * The dlib encodings of {@code paths} framed by {@code framing}, encoding only those not
   * encoded before in this JVM.
   */
  public static synchronized Map<String, float[]> encodings(Framing framing,
      Collection<String> paths) {
    Map<String, float[]> cache = ENCODINGS.computeIfAbsent(framing, f -> new HashMap<>());
    List<String> missing = paths.stream().distinct().filter(p -> !cache.containsKey(p)).toList();
    if (!missing.isEmpty()) {
      try (FaceEncoder encoder = encoder()) {
        int size = encoder.faceModel().inputSize();
        for (int from = 0; from < missing.size(); from += BATCH) {
          List<String> batch = missing.subList(from, Math.min(missing.size(), from + BATCH));
          List<RgbImage> chips = new ArrayList<>();
          for (String p : batch) {
            chips.add(framing.apply(image(p), size));
          }
          float[][] e = encoder.encode(chips);
          for (int i = 0; i < batch.size(); i++) {
            cache.put(batch.get(i), e[i]);
          }
        }
      }
    }
    Map<String, float[]> out = new HashMap<>();
    for (String p : paths) {
      out.put(p, cache.get(p));
    }
    return out;
  }

  public static FaceEncoder encoder() {
    try {
      return FaceEncoder.create(FaceModel.DLIB_RESNET_V1.readWeights(TestData.modelsDir()),
          Device.cpu());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
