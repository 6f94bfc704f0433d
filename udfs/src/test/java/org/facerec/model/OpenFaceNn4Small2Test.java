package org.facerec.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.djl.Device;
import ai.djl.Model;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.util.Pair;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.facerec.TestData;
import org.facerec.image.ImageDecoder;
import org.facerec.image.RgbImage;
import org.facerec.match.Distances;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The nn4.small2 port against the shared, incomplete weights folder: the graph's size, the
 * loader's layout and errors, and a forward pass with stand-ins for the five missing kernels.
 */
class OpenFaceNn4Small2Test {
  /** The Keras model's count_params() (BN moving statistics included). */
  private static final long PARAMETERS = 3_743_280L;
  /** The kernels the shared folder lacks (its README lists them). */
  private static final List<String> MISSING = List.of(
      "inception_3c_3x3_conv2_w.csv", "inception_4e_3x3_conv2_w.csv",
      "inception_5a_1x1_conv_w.csv", "inception_5a_3x3_conv2_w.csv",
      "inception_5b_3x3_conv2_w.csv");
  /** In the folder but read by no layer (copies of inception_5a_3x3_bn1_m/_v). */
  private static final List<String> UNUSED = List.of(
      "inception_5a_3x3_conv2_m.csv", "inception_5a_3x3_conv2_v.csv");

  private static Path weightsDir;

  @BeforeAll
  static void engine() {
    Torch.configure();
    weightsDir = TestData.data("openface-nn4small2/weights");
  }

  @Test
  void builtNetworkHasTheKerasParameterCount() {
    try (NDManager manager = NDManager.newBaseManager(Device.cpu(), "PyTorch")) {
      OpenFaceNn4Small2.Built built = OpenFaceNn4Small2.build(manager);
      long total = 0;
      Set<Parameter> all = new HashSet<>();
      for (Pair<String, Parameter> p : built.net().getParameters()) {
        total += p.getValue().getArray().size();
        all.add(p.getValue());
      }
      assertThat(total).isEqualTo(PARAMETERS);
      // 37 conv (2 files) + 37 BN (4 files) + dense (2 files), each filling its own parameter
      assertThat(built.byStem()).hasSize(224);
      assertThat(new HashSet<>(built.byStem().values())).isEqualTo(all);
    }
    long fromFiles = OpenFaceNn4Small2.weightFiles().stream()
        .mapToLong(OpenFaceNn4Small2.WeightFile::size).sum();
    assertThat(fromFiles).isEqualTo(PARAMETERS);
  }

  @Test
  void everyPresentCsvFillsItsLayersParameter() throws IOException {
    Set<String> present;
    try (Stream<Path> s = Files.list(weightsDir)) {
      present = s.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".csv"))
          .collect(Collectors.toCollection(TreeSet::new));
    }
    assertThat(present).hasSize(221);
    Map<String, OpenFaceNn4Small2.WeightFile> expected = new LinkedHashMap<>();
    for (OpenFaceNn4Small2.WeightFile f : OpenFaceNn4Small2.weightFiles()) {
      expected.put(f.fileName(), f);
    }
    Set<String> wanted = new TreeSet<>(expected.keySet());
    wanted.removeAll(MISSING);
    wanted.addAll(UNUSED);
    assertThat(present).isEqualTo(wanted);

    try (NDManager manager = NDManager.newBaseManager(Device.cpu(), "PyTorch")) {
      Map<String, Parameter> byStem = OpenFaceNn4Small2.build(manager).byStem();
      long values = 0;
      for (String name : present) {
        OpenFaceNn4Small2.WeightFile f = expected.get(name);
        if (f == null) {
          continue; // the two unused files, checked below
        }
        Tensor t = OpenFaceNn4Small2.readFile(weightsDir, f);
        Shape layer = byStem.get(f.stem()).getArray().getShape();
        assertThat(new Shape(toLongs(t.shape()))).as(name).isEqualTo(layer);
        assertThat(t.size()).as(name).isEqualTo(layer.size());
        values += t.size();
      }
      // the five missing kernels hold the rest (README: 1,589,248 values)
      long missing = MISSING.stream().mapToLong(n -> expected.get(n).size()).sum();
      assertThat(missing).isEqualTo(1_589_248L);
      assertThat(values + missing).isEqualTo(PARAMETERS);
    }
    for (String unused : UNUSED) {
      String copyOf = unused.replace("conv2", "bn1");
      Tensor a = OpenFaceNn4Small2.readFile(weightsDir,
          new OpenFaceNn4Small2.WeightFile(unused.replace(".csv", ""), new int[] {96}));
      Tensor b = OpenFaceNn4Small2.readFile(weightsDir, expected.get(copyOf));
      assertThat(a.values()).as(unused).isEqualTo(b.values());
    }
  }

  @Test
  void valuesAreParsedAsDoublesThenRoundedToFloat() throws IOException {
    Tensor t = OpenFaceNn4Small2.readFile(weightsDir,
        new OpenFaceNn4Small2.WeightFile("bn1_b", new int[] {64}));
    // bn1_b.csv begins "0.44082018733025,0.46729332208633,"
    assertThat(t.values()[0]).isEqualTo((float) 0.44082018733025);
    assertThat(t.values()[1]).isEqualTo((float) 0.46729332208633);
  }

  @Test
  void loadingTheSharedFolderFailsOnceNamingAllFiveMissingFiles() {
    assertThatThrownBy(() -> FaceModel.OPENFACE_NN4_SMALL2_V1.readWeights(weightsDir))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("5 of the 224 weight files are missing")
        .satisfies(e -> {
          for (String name : MISSING) {
            assertThat(e.getMessage()).contains(name);
          }
        });
  }

  @Test
  void aFileOfTheWrongSizeFailsNamingItAndBothCounts(@TempDir Path dir) throws IOException {
    Files.writeString(dir.resolve("bn1_b.csv"), "0.5,0.25,-1\n");
    OpenFaceNn4Small2.WeightFile f = new OpenFaceNn4Small2.WeightFile("bn1_b", new int[] {64});
    assertThatThrownBy(() -> OpenFaceNn4Small2.readFile(dir, f))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("bn1_b.csv")
        .hasMessageContaining("expected 64 values")
        .hasMessageContaining("found 3");

    Files.writeString(dir.resolve("conv1_b.csv"), "0.5,abc\n");
    OpenFaceNn4Small2.WeightFile g = new OpenFaceNn4Small2.WeightFile("conv1_b", new int[] {2});
    assertThatThrownBy(() -> OpenFaceNn4Small2.readFile(dir, g))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("conv1_b.csv: value 2 of 2 is not a finite number: 'abc'");
  }

  @Test
  void flopsFollowTheLayerShapes() {
    // sum over the doc's layer table of (params - biases) * output pixels, plus 736*128, times 2
    assertThat(OpenFaceNn4Small2.flopsPerImage()).isEqualTo(2 * 200_118_272L);
    assertThat(FaceModel.OPENFACE_NN4_SMALL2_V1.flopsPerImage())
        .isEqualTo(OpenFaceNn4Small2.flopsPerImage());
  }

  /**
   * The whole graph end to end, on real weights where the folder has them and seeded random
   * kernels (He-scaled) for the five it lacks: (N,128) out, unit norm, and the same encoding
   * whatever the batch (batch norms use their moving statistics).
   */
  @Test
  void forwardPassWithStandInKernelsGivesUnitEncodings() throws IOException {
    Map<String, Tensor> tensors = new LinkedHashMap<>();
    Random random = new Random(42);
    for (OpenFaceNn4Small2.WeightFile f : OpenFaceNn4Small2.weightFiles()) {
      if (Files.exists(weightsDir.resolve(f.fileName()))) {
        tensors.put(f.stem(), OpenFaceNn4Small2.readFile(weightsDir, f));
      } else {
        int[] s = f.shape();
        double std = Math.sqrt(2.0 / (s[1] * s[2] * s[3]));
        float[] v = new float[f.size()];
        for (int i = 0; i < v.length; i++) {
          v[i] = (float) (random.nextGaussian() * std);
        }
        tensors.put(f.stem(), new Tensor(f.stem(), s, v));
      }
    }
    assertThat(tensors).hasSize(224);
    ModelWeights weights = new ModelWeights(FaceModel.OPENFACE_NN4_SMALL2_V1.id(), tensors);
    assertThat(weights.parameterCount()).isEqualTo(PARAMETERS);

    List<RgbImage> images = new ArrayList<>();
    Path dir = TestData.data("happy-house/images");
    ImageDecoder decoder = new ImageDecoder();
    List<String> names;
    try (Stream<Path> s = Files.list(dir)) {
      names = s.map(p -> p.getFileName().toString()).sorted().toList();
    }
    assertThat(names).hasSize(18);
    for (String name : names) {
      ImageDecoder.Decoded d = decoder.decode(Files.readAllBytes(dir.resolve(name)));
      assertThat(d.error()).as(name).isNull();
      assertThat(d.image().width()).as(name).isEqualTo(96);
      images.add(d.image());
    }

    try (FaceEncoder encoder = FaceEncoder.create(weights, Device.cpu())) {
      float[][] out = encoder.encode(images);
      assertThat(out).hasNumberOfRows(18);
      for (int i = 0; i < out.length; i++) {
        assertThat(out[i]).as(names.get(i)).hasSize(128);
        double norm = 0;
        for (float v : out[i]) {
          assertThat(Float.isFinite(v)).isTrue();
          norm += (double) v * v;
        }
        assertThat(Math.sqrt(norm)).as(names.get(i)).isCloseTo(1.0, within(1e-5));
      }
      // different faces, different encodings: the graph does not collapse to a constant
      assertThat(Distances.l2(out[0], out[1])).isGreaterThan(1e-3);
      float[] alone = encoder.encode(List.of(images.get(3)))[0];
      assertThat(Distances.l2(alone, out[3])).isLessThan(1e-5);
    }

    // the block itself, outside the encoder: NCHW batch in, (N,128) out
    try (Model model = Model.newInstance("nn4small2", Device.cpu(), "PyTorch")) {
      model.setBlock(OpenFaceNn4Small2.create(weights, model.getNDManager()));
      try (NDManager m = model.getNDManager().newSubManager()) {
        float[] batch = new float[4 * 3 * 96 * 96];
        for (int i = 0; i < 4; i++) {
          float[] one = FaceEncoder.toInput(FaceModel.OPENFACE_NN4_SMALL2_V1, images.get(i));
          System.arraycopy(one, 0, batch, i * one.length, one.length);
        }
        NDArray x = m.create(batch, new Shape(4, 3, 96, 96));
        NDArray y = model.getBlock()
            .forward(new ParameterStore(m, false), new NDList(x), false).singletonOrThrow();
        assertThat(y.getShape()).isEqualTo(new Shape(4, 128));
      }
    }
  }

  private static long[] toLongs(int[] a) {
    long[] l = new long[a.length];
    for (int i = 0; i < a.length; i++) {
      l[i] = a[i];
    }
    return l;
  }
}
