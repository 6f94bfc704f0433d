package org.facerec.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.util.List;
import java.util.Map;
import org.facerec.detect.FinderSettings;
import org.junit.jupiter.api.Test;

/** The shipped conf and the library's defaults say the same: what the tests check is what ships. */
class ShippedDefaultsTest {
  @Test
  void theShippedConfFindsFacesAsTheLibraryDefaultsDo() throws IOException {
    RunConfig run = RunConfig.of(Settings.load(Map.of(), null, List.of()));
    assertThat(run.faces().finder()).isEqualTo(FinderSettings.defaults());
  }
}
