package org.facerec.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The adapter's arithmetic, id, file format and the model identity that carries it. */
class AdapterTest {
  private static final String BASE = "dlib-resnet-v1";

  private static Adapter randomLinear(long seed) {
    Random r = new Random(seed);
    float[] w = new float[128 * 128];
    for (int i = 0; i < 128; i++) {
      w[i * 128 + i] = 1;
    }
    for (int i = 0; i < w.length; i++) {
      w[i] += (float) (0.05 * r.nextGaussian());
    }
    float[] b = new float[128];
    for (int i = 0; i < b.length; i++) {
      b[i] = (float) (0.01 * r.nextGaussian());
    }
    return Adapter.linear(BASE, 128, w, b, 0.9);
  }

  private static float[] encoding(long seed) {
    Random r = new Random(seed);
    float[] x = new float[128];
    for (int i = 0; i < x.length; i++) {
      x[i] = (float) (0.09 * r.nextGaussian());
    }
    return x;
  }

  @Test
  void identityNormalisesAndLinearIsWxPlusB() {
    float[] x = encoding(1);
    float[] y = Adapter.identity(BASE, 128).apply(x);
    double norm = 0;
    for (float v : x) {
      norm += v * v;
    }
    for (int i = 0; i < x.length; i++) {
      assertThat(y[i]).isCloseTo((float) (x[i] / Math.sqrt(norm)), within(1e-6f));
    }
    // 2-d by hand: W = [[2, 0], [1, 1]], b = (0, 1): x = (3, 4) -> (6, 8) -> (0.6, 0.8)
    Adapter a = Adapter.linear(BASE, 2, new float[] {2, 0, 1, 1}, new float[] {0, 1}, Double.NaN);
    assertThat(a.apply(new float[] {3, 4})).containsExactly(new float[] {0.6f, 0.8f},
        within(1e-7f));
    // residual MLP, 1 hidden unit: h = relu(1*x0 + 0*x1 - 1) = 2 for (3, 4);
    // y = x + (0, -4) h = (3, -4) -> (0.6, -0.8)
    Adapter m = Adapter.residualMlp(BASE, 2, 1, new float[] {1, 0}, new float[] {-1},
        new float[] {0, -4}, new float[] {0, 0}, Double.NaN);
    assertThat(m.apply(new float[] {3, 4})).containsExactly(new float[] {0.6f, -0.8f},
        within(1e-7f));
    // the relu cuts: h = relu(0.5 - 1) = 0 for (0.5, 0), y = x
    assertThat(m.apply(new float[] {0.5f, 0})).containsExactly(new float[] {1, 0},
        within(1e-7f));
  }

  @Test
  void idIsStableForTheSameWeightsAndChangesWithAnyWeight() {
    Adapter a = randomLinear(7);
    Adapter same = randomLinear(7);
    assertThat(a.id()).matches("dlib-resnet-v1\\+adapter-[0-9a-f]{12}");
    assertThat(same.id()).isEqualTo(a.id());
    assertThat(a.withThreshold(0.5).id()).isEqualTo(a.id()); // the threshold is advice, not space
    float[] w = a.w1();
    w[5000] = Math.nextUp(w[5000]); // one ulp of one weight
    Adapter nudged = Adapter.linear(BASE, 128, w, a.b1(), 0.9);
    assertThat(nudged.id()).isNotEqualTo(a.id());
    float[] b = a.b1();
    b[0] += 1e-3f;
    assertThat(Adapter.linear(BASE, 128, a.w1(), b, 0.9).id()).isNotEqualTo(a.id());
    assertThat(Adapter.linear("openface-nn4small2-v1", 128, a.w1(), a.b1(), 0.9).id())
        .startsWith("openface-nn4small2-v1+adapter-")
        .doesNotEndWith(a.id().substring(a.id().length() - 12));
    assertThat(Adapter.isAdapterId(a.id())).isTrue();
    assertThat(Adapter.isAdapterId(BASE)).isFalse();
    assertThat(Adapter.baseIdOf(a.id())).isEqualTo(BASE);
    assertThat(Adapter.baseIdOf(BASE)).isEqualTo(BASE);
  }

  @Test
  void fileRoundTripsAndRefusesDamage(@TempDir Path dir) throws IOException {
    Adapter a = randomLinear(3);
    Path file = dir.resolve(Adapter.fileName(a.id()));
    a.write(file);
    assertThat(Files.size(file)).isLessThan(70_000);
    Adapter back = Adapter.read(file);
    assertThat(back).isEqualTo(a);
    assertThat(back.id()).isEqualTo(a.id());
    assertThat(back.threshold()).isEqualTo(0.9);
    assertThat(back.apply(encoding(2))).containsExactly(a.apply(encoding(2)));
    assertThat(Adapter.readById(a.id(), dir)).isEqualTo(a);

    byte[] bytes = Files.readAllBytes(file);
    bytes[bytes.length / 2] ^= 1;
    assertThatThrownBy(() -> Adapter.fromBytes(bytes, "x.adapter"))
        .isInstanceOf(IOException.class).hasMessageContaining("checksum mismatch");
    byte[] other = "not an adapter at all, just some text long enough".getBytes();
    assertThatThrownBy(() -> Adapter.fromBytes(other, "y")).hasMessageContaining("not a facerec");
    // a file under another adapter's name is refused
    Adapter b = randomLinear(4);
    Files.copy(file, dir.resolve(Adapter.fileName(b.id())));
    assertThatThrownBy(() -> Adapter.readById(b.id(), dir))
        .isInstanceOf(IOException.class).hasMessageContaining("holds adapter " + a.id());
    assertThatThrownBy(() -> Adapter.fileName(BASE)).isInstanceOf(IllegalArgumentException.class);

    Adapter mlp = Adapter.residualMlp(BASE, 2, 1, new float[] {1, 0}, new float[] {-1},
        new float[] {1, -1}, new float[] {0, 0}, Double.NaN);
    Adapter mlpBack = Adapter.fromBytes(mlp.toBytes(), "mlp");
    assertThat(mlpBack.id()).isEqualTo(mlp.id());
    assertThat(mlpBack.kind()).isEqualTo(Adapter.Kind.RESIDUAL_MLP);
    assertThat(mlpBack.threshold()).isNaN();
  }

  @Test
  void travelsInABroadcast() throws Exception {
    Adapter a = randomLinear(5);
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
      out.writeObject(EncodingModel.of(a));
    }
    EncodingModel back;
    try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(
        bytes.toByteArray()))) {
      back = (EncodingModel) in.readObject();
    }
    assertThat(back.id()).isEqualTo(a.id());
    assertThat(back.finish(encoding(9))).containsExactly(a.apply(encoding(9)));
  }

  @Test
  void encodingModelIdsNeverMix(@TempDir Path dir) throws IOException {
    EncodingModel plain = EncodingModel.plain(FaceModel.DLIB_RESNET_V1);
    Adapter a = randomLinear(11);
    EncodingModel adapted = EncodingModel.of(a);
    assertThat(plain.id()).isEqualTo(BASE);
    assertThat(adapted.id()).isEqualTo(a.id()).isNotEqualTo(plain.id());
    assertThat(adapted.base()).isEqualTo(FaceModel.DLIB_RESNET_V1);
    assertThat(plain.finish(encoding(1))).isEqualTo(encoding(1));
    assertThat(adapted.normalized()).isTrue();
    assertThat(adapted.defaultThreshold()).isEqualTo(0.9);
    assertThat(plain.defaultThreshold()).isEqualTo(0.6);
    assertThatThrownBy(() -> EncodingModel.of(a.withThreshold(Double.NaN)).defaultThreshold())
        .hasMessageContaining("facerec.threshold." + a.id());

    a.write(dir.resolve(Adapter.fileName(a.id())));
    assertThat(EncodingModel.byId(a.id(), dir)).isEqualTo(adapted);
    assertThat(EncodingModel.byId(BASE, dir)).isEqualTo(plain);
    assertThatThrownBy(() -> EncodingModel.byId(BASE + "+adapter-000000000000", dir))
        .isInstanceOf(IOException.class).hasMessageContaining("does not exist");
    Adapter wrongBase = Adapter.linear("openface-nn4small2-v1", 128, a.w1(), a.b1(), 0.9);
    assertThatThrownBy(() -> new EncodingModel(FaceModel.DLIB_RESNET_V1, wrongBase))
        .hasMessageContaining("trained on openface-nn4small2-v1");
  }
}
