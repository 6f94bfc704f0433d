package org.facerec.report;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.xml.parsers.DocumentBuilderFactory;
import org.facerec.learn.TrainingConfig;
import org.facerec.learn.TrainingHistory;
import org.facerec.model.Adapter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Document;

/** The training page: well-formed, with its run, three charts and one row per epoch. */
class TrainingReportTest {

  @Test
  void showsTheRunTheCurvesAndEveryEpoch(@TempDir Path dir) throws Exception {
    List<TrainingHistory.Epoch> epochs = new ArrayList<>();
    for (int e = 0; e <= 4; e++) {
      epochs.add(new TrainingHistory.Epoch(e, 5, 400, 400 - 80 * e, 390 - 80 * e, 10, 0.1 / (e + 1),
          0.95 + 0.005 * e, 0.01, 0.99, 0.9, 0.8, 0.5));
    }
    TrainingHistory history = new TrainingHistory(TrainingConfig.defaults().withEpochs(4), 80,
        905, 3000, epochs);
    Adapter adapter = Adapter.identity("dlib-resnet-v1", 4).withThreshold(0.8);
    Map<String, String> run = new LinkedHashMap<>();
    run.put("trained on", "celeba-dev <people>");
    Path file = dir.resolve("train-report.html");
    TrainingReport.page(run, adapter, history).write(file);
    String html = Files.readString(file);
    assertThat(html).contains(adapter.id()).contains("celeba-dev &lt;people&gt;")
        .contains("Held-out people").contains("0.8000");
    assertThat(html.split("<svg", -1)).hasSize(4);
    DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
    f.setFeature("http://apache.org/xml/features/nonvalidating/load-external-dtd", false);
    Document doc;
    try (var in = Files.newInputStream(file)) {
      doc = f.newDocumentBuilder().parse(in);
    }
    // the run table and the epochs table (a header and 5 epochs)
    assertThat(doc.getElementsByTagName("table").getLength()).isEqualTo(2);
    assertThat(doc.getElementsByTagName("tr").getLength()).isGreaterThanOrEqualTo(6 + 6);
  }
}
