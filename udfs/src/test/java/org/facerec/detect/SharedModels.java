package org.facerec.detect;

import ai.djl.Device;
import java.io.IOException;
import java.io.UncheckedIOException;
import org.facerec.TestData;
import org.facerec.model.FaceEncoder;
import org.facerec.model.FaceModel;

/** One finder and one dlib encoder per test JVM, as a Spark executor would hold them. */
public final class SharedModels {
  private static FaceFinder finder;
  private static FaceEncoder dlib;

  private SharedModels() {}

  public static synchronized FaceFinder finder() {
    if (finder == null) {
      try {
        finder = FaceFinder.create(FaceFinder.Weights.read(TestData.modelsDir()), Device.cpu());
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return finder;
  }

  public static synchronized FaceEncoder dlib() {
    if (dlib == null) {
      try {
        dlib = FaceEncoder.create(FaceModel.DLIB_RESNET_V1.readWeights(TestData.modelsDir()),
            Device.cpu());
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return dlib;
  }
}
