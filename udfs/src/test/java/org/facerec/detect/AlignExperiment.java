package org.facerec.detect;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import org.facerec.TestData;
import org.facerec.eval.Pair;
import org.facerec.eval.PairDistances;
import org.facerec.eval.PairsFile;
import org.facerec.eval.VerificationMetrics;
import org.facerec.image.Framing;
import org.facerec.image.ImageDecoder;
import org.facerec.image.RgbImage;
import org.facerec.model.FaceModel;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** Scratch: variants of alignment on all lfw-dev pairs. */
@Tag("experiment")
class AlignExperiment {
  static RgbImage mirror(RgbImage img) {
    int w = img.width(), h = img.height();
    byte[] out = new byte[img.rgb().length];
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) {
        System.arraycopy(img.rgb(), 3 * (y * w + x), out, 3 * (y * w + (w - 1 - x)), 3);
      }
    }
    return new RgbImage(w, h, out);
  }

  static float[] avg(float[] a, float[] b) {
    float[] o = new float[a.length];
    for (int i = 0; i < a.length; i++) o[i] = (a[i] + b[i]) / 2;
    return o;
  }

  static final int[] MIRROR = new int[68];
  static {
    int[][] pairs = {{0,16},{1,15},{2,14},{3,13},{4,12},{5,11},{6,10},{7,9},{8,8},
      {17,26},{18,25},{19,24},{20,23},{21,22},{27,27},{28,28},{29,29},{30,30},
      {31,35},{32,34},{33,33},{36,45},{37,44},{38,43},{39,42},{40,47},{41,46},
      {48,54},{49,53},{50,52},{51,51},{55,59},{56,58},{57,57},{60,64},{61,63},{62,62},
      {65,67},{66,66}};
    for (int[] p : pairs) { MIRROR[p[0]] = p[1]; MIRROR[p[1]] = p[0]; }
  }

  /** Landmarks found on the mirrored image, mapped back, averaged with {@code lm}. */
  static Landmarks mirrorAverage(Landmarks lm, Landmarks onMirror, int w) {
    double[] a = lm.xy();
    double[] b = onMirror.xy();
    double[] o = new double[136];
    for (int i = 0; i < 68; i++) {
      int j = MIRROR[i];
      o[2 * i] = (a[2 * i] + (w - b[2 * j])) / 2;
      o[2 * i + 1] = (a[2 * i + 1] + b[2 * j + 1]) / 2;
    }
    return new Landmarks(o);
  }

  static Detection mirrorBox(Detection d, int w) {
    return new Detection(w - d.x() - d.width(), d.y(), d.width(), d.height(), d.score(), d.source());
  }

  @Test
  void run() throws Exception {
    Path root = TestData.data("lfw-dev/images");
    List<Pair> pairs = PairsFile.read(TestData.data("lfw-dev/pairs.csv"));
    List<String> paths = new ArrayList<>(new LinkedHashSet<>(PairsFile.distinctPaths(pairs)));
    String[] names = {"refined+mirror", "refined2+mirror", "refinedLmMirror+mirror", "refinedLmMirror"};
    List<Map<String, float[]>> enc = new ArrayList<>();
    for (int i = 0; i < names.length; i++) enc.add(new HashMap<>());
    FinderSettings s = LfwAlignmentTest.LFW;
    ImageDecoder dec = new ImageDecoder();
    long t0 = System.nanoTime();
    int chunk = 16;
    FaceLandmarker lmNet = SharedModels.finder().landmarker();
    for (int from = 0; from < paths.size(); from += chunk) {
      List<String> part = paths.subList(from, Math.min(paths.size(), from + chunk));
      List<RgbImage> imgs = new ArrayList<>();
      for (String p : part) imgs.add(dec.decode(Files.readAllBytes(root.resolve(p))).image());
      List<List<Face>> found = SharedModels.finder().find(imgs, s);
      List<Detection> box1 = new ArrayList<>();
      for (int i = 0; i < part.size(); i++) {
        Face f = found.get(i).get(0);
        box1.add(f.landmarks() == null ? f.detection()
            : FaceAligner.landmarksBox(f.landmarks(), f.detection(), imgs.get(i).width(), imgs.get(i).height()));
      }
      List<Landmarks> lm2 = lmNet.detect(imgs, box1);
      List<Detection> box2 = new ArrayList<>();
      List<RgbImage> mirrors = new ArrayList<>();
      List<Detection> mboxes = new ArrayList<>();
      for (int i = 0; i < part.size(); i++) {
        int w = imgs.get(i).width();
        box2.add(lm2.get(i) == null ? box1.get(i) : FaceAligner.landmarksBox(lm2.get(i), box1.get(i), w, imgs.get(i).height()));
        mirrors.add(mirror(imgs.get(i)));
        mboxes.add(mirrorBox(box1.get(i), w));
      }
      List<Landmarks> lm3 = lmNet.detect(imgs, box2);
      List<Landmarks> lmM = lmNet.detect(mirrors, mboxes);
      List<RgbImage> chips = new ArrayList<>();
      for (int i = 0; i < part.size(); i++) {
        RgbImage img = imgs.get(i);
        Landmarks l2 = lm2.get(i) != null ? lm2.get(i) : found.get(i).get(0).landmarks();
        Landmarks l3 = lm3.get(i) != null ? lm3.get(i) : l2;
        Landmarks lmAvg = l2 == null || lmM.get(i) == null ? l2 : mirrorAverage(l2, lmM.get(i), img.width());
        RgbImage r = l2 == null ? found.get(i).get(0).chip() : FaceAligner.chip(img, l2, FaceModel.DLIB_RESNET_V1);
        RgbImage r2 = l3 == null ? r : FaceAligner.chip(img, l3, FaceModel.DLIB_RESNET_V1);
        RgbImage ra = lmAvg == null ? r : FaceAligner.chip(img, lmAvg, FaceModel.DLIB_RESNET_V1);
        chips.add(r); chips.add(mirror(r)); chips.add(r2); chips.add(mirror(r2)); chips.add(ra); chips.add(mirror(ra));
      }
      float[][] e = SharedModels.dlib().encode(chips);
      for (int i = 0; i < part.size(); i++) {
        String p = part.get(i);
        enc.get(0).put(p, avg(e[6 * i], e[6 * i + 1]));
        enc.get(1).put(p, avg(e[6 * i + 2], e[6 * i + 3]));
        enc.get(2).put(p, avg(e[6 * i + 4], e[6 * i + 5]));
        enc.get(3).put(p, e[6 * i + 4]);
      }
      if (from % 800 == 0) System.out.printf("%d/%d %.0f s%n", from, paths.size(), (System.nanoTime() - t0) / 1e9);
    }
    for (int v = 0; v < names.length; v++) {
      Map<String, float[]> m = enc.get(v);
      VerificationMetrics vm = VerificationMetrics.compute(PairDistances.of(pairs, m::get));
      System.out.printf("%-24s %s%n", names[v], vm.flat("dlib", 0));
    }
  }
}
