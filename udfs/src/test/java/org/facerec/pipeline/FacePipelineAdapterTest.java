package org.facerec.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.io.IOException;
import java.nio.file.Files;
import java.util.List;
import java.util.Random;
import org.facerec.TestData;
import org.facerec.detect.SharedModels;
import org.facerec.image.Framing;
import org.facerec.model.Adapter;
import org.junit.jupiter.api.Test;

/** A pipeline with an adapter gives the adapter's projection of the plain pipeline's encoding. */
class FacePipelineAdapterTest {

  @Test
  void theAdapterAppliesAfterTheMirrorAverage() throws IOException {
    EncodeOptions options = new EncodeOptions(8, Framing.LFW, null, false, 1600, 64_000_000L,
        50_000_000L, 0, 32, true);
    Random r = new Random(1);
    float[] w = new float[128 * 128];
    for (int i = 0; i < w.length; i++) {
      w[i] = (i % 129 == 0 ? 1 : 0) + (float) (0.05 * r.nextGaussian());
    }
    Adapter adapter = Adapter.linear("dlib-resnet-v1", 128, w, new float[128], 0.8);
    byte[] photo = Files.readAllBytes(TestData.data(
        "lfw-dev/images/Aaron_Sorkin/Aaron_Sorkin_0001.jpg"));
    FacePipeline.Models models = FacePipeline.lazily(SharedModels::dlib, SharedModels::finder);
    try (FacePipeline plain = new FacePipeline(options, models);
        FacePipeline adapted = new FacePipeline(options, models, adapter)) {
      FaceResult a = plain.process(List.of(FacePipeline.Input.of(photo))).get(0);
      FaceResult b = adapted.process(List.of(FacePipeline.Input.of(photo))).get(0);
      assertThat(b.status()).isEqualTo(FaceStatus.OK);
      float[] expected = adapter.apply(a.embedding());
      for (int i = 0; i < expected.length; i++) {
        assertThat(b.embedding()[i]).isCloseTo(expected[i], within(1e-6f));
      }
      FaceResult bad = adapted.process(FacePipeline.Input.of(new byte[] {1, 2, 3}));
      assertThat(bad.embedding()).isNull();
    }
  }
}
