package org.facerec.report;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import javax.imageio.ImageIO;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.xpath.XPath;
import javax.xml.xpath.XPathConstants;
import javax.xml.xpath.XPathFactory;
import org.facerec.LfwDev;
import org.facerec.eval.IdentificationMetrics;
import org.facerec.eval.IdentificationSplit;
import org.facerec.eval.Pair;
import org.facerec.eval.PairDistances;
import org.facerec.eval.PairsFile;
import org.facerec.eval.VerificationMetrics;
import org.facerec.match.Distances;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

/** report.html on real lfw-dev data: parsed, its charts and embedded thumbnails checked. */
class EvaluationReportTest {
  @TempDir
  Path tmp;

  @Test
  void verificationReportIsWellFormedAndSelfContained() throws Exception {
    List<Pair> pairs = LfwDev.pairs(3, 40);
    Map<String, float[]> enc = LfwDev.encodings(PairsFile.distinctPaths(pairs));
    String broken = pairs.get(0).path2();
    Map<String, String> failed = Map.of(broken, "cannot decode image: truncated <file> & more");
    PairDistances d = PairDistances.of(pairs, p -> p.equals(broken) ? null : enc.get(p));
    VerificationMetrics m = VerificationMetrics.compute(d);
    Map<String, String> run = new LinkedHashMap<>();
    run.put("pairs", "lfw-dev/pairs.csv (first 40 + 40 of folds 1-3)");
    run.put("model", "dlib-resnet-v1");
    run.put("note", "<script>alert('x')</script>");
    int falseRejects = 0;
    int falseAccepts = 0;
    int worst = -1; // the error shown first; its first image's thumbnail cannot be made
    for (int i = 0; i < d.size(); i++) {
      if (!d.failed()[i] && (d.distance()[i] < m.best().threshold()) != d.same()[i]) {
        falseRejects += d.same()[i] ? 1 : 0;
        falseAccepts += d.same()[i] ? 0 : 1;
        boolean first = worst < 0 || (d.same()[i] ? !d.same()[worst]
            || d.distance()[i] > d.distance()[worst]
            : !d.same()[worst] && d.distance()[i] < d.distance()[worst]);
        worst = first ? i : worst;
      }
    }
    String noThumbnail = pairs.get(worst).path1();
    Path file = tmp.resolve("report.html");
    EvaluationReport.verification(run, pairs, d, m, failed,
        p -> p.equals(noThumbnail) ? null : LfwDev.image(p)).write(file);

    String html = Files.readString(file);
    Document doc = parse(file);
    XPath xp = XPathFactory.newInstance().newXPath();
    assertThat(count(xp, doc, "//svg")).isEqualTo(2);
    assertThat(count(xp, doc, "//svg//polyline")).as("ROC curve").isEqualTo(1);
    assertThat(count(xp, doc, "//svg//circle")).as("TAR at FAR markers").isEqualTo(2);
    assertThat(count(xp, doc, "//svg//rect[@fill-opacity='0.5']")).as("histogram bars")
        .isGreaterThan(20);
    assertThat(count(xp, doc, "//svg//line[@stroke-dasharray]")).as("threshold").isEqualTo(1);
    assertThat(xp.evaluate("//svg[2]//text[starts-with(., 'threshold ')]", doc))
        .isEqualTo(String.format(Locale.ROOT, "threshold %.3f", m.best().threshold()));

    NodeList imgs = (NodeList) xp.evaluate("//img", doc, XPathConstants.NODESET);
    int missing = count(xp, doc, "//span[@class='missing']");
    assertThat(count(xp, doc, "//span[@class='missing'][@title='" + noThumbnail + "']"))
        .isEqualTo(missing).isPositive();
    int errorsShown = Math.min(EvaluationReport.WORST, falseRejects)
        + Math.min(EvaluationReport.WORST, falseAccepts);
    assertThat(imgs.getLength() + missing).isEqualTo(2 * errorsShown);
    assertThat(imgs.getLength()).isPositive();
    for (int i = 0; i < imgs.getLength(); i++) {
      String src = ((Element) imgs.item(i)).getAttribute("src");
      assertThat(src).startsWith("data:image/jpeg;base64,");
      var thumb = ImageIO.read(new ByteArrayInputStream(
          Base64.getDecoder().decode(src.substring(src.indexOf(',') + 1))));
      assertThat(thumb.getWidth()).isEqualTo(112);
      assertThat(thumb.getHeight()).isEqualTo(112);
    }

    assertThat(count(xp, doc, "//script")).isZero();
    assertThat(xp.evaluate("//table[1]", doc)).contains("<script>alert('x')</script>");
    assertThat(xp.evaluate("//h2[starts-with(., 'Failed images')]", doc))
        .isEqualTo("Failed images (1)");
    assertThat(xp.evaluate("//table[last()]", doc)).contains(broken)
        .contains("truncated <file> & more");
    assertThat(m.failedPairs()).isPositive();
    assertThat(xp.evaluate("//table[2]", doc)).contains("failed pairs" + m.failedPairs());
    assertThat(html.replace("http://www.w3.org/2000/svg", "")).doesNotContain("http:")
        .doesNotContain("https:").doesNotContain("<link").doesNotContain("url(");
  }

  @Test
  void identificationReportShowsTheCmcAndTheMissesAsTriples() throws Exception {
    List<String> paths = LfwDev.paths().stream().filter(p -> p.startsWith("A")).toList();
    IdentificationSplit split = IdentificationSplit.of(paths, 0.2, 3);
    List<String> used = new ArrayList<>(split.gallery());
    used.addAll(split.probes());
    Map<String, float[]> enc = LfwDev.encodings(used);
    double[][] d = new double[split.probes().size()][split.gallery().size()];
    for (int p = 0; p < d.length; p++) {
      for (int g = 0; g < d[p].length; g++) {
        d[p][g] = Distances.l2(enc.get(split.probes().get(p)), enc.get(split.gallery().get(g)));
      }
    }
    IdentificationMetrics m = IdentificationMetrics.compute(d, split.probeMate(),
        new boolean[d.length], new boolean[d[0].length]);
    Path file = tmp.resolve("report.html");
    EvaluationReport.identification(Map.of("images", "lfw-dev/images (A*)"), split, d, m,
        Map.of(), LfwDev::image).write(file);

    Document doc = parse(file);
    XPath xp = XPathFactory.newInstance().newXPath();
    assertThat(count(xp, doc, "//svg")).isEqualTo(2);
    assertThat(count(xp, doc, "//svg[1]//polyline")).as("CMC").isEqualTo(1);
    assertThat(count(xp, doc, "//svg[2]//rect[@fill-opacity='0.5']")).isGreaterThan(10);
    int misses = 0;
    for (int r : m.rank()) {
      misses += r > 1 ? 1 : 0;
    }
    assertThat(misses).isPositive();
    assertThat(count(xp, doc, "//div[@class='card']"))
        .isEqualTo(Math.min(EvaluationReport.WORST, misses));
    assertThat(count(xp, doc, "//div[@class='card'][count(.//img)=3]"))
        .isEqualTo(Math.min(EvaluationReport.WORST, misses));
    assertThat(xp.evaluate("//p[preceding-sibling::h2[1][starts-with(., 'Failed')]]", doc))
        .startsWith("None");
  }

  private static Document parse(Path file) throws Exception {
    DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
    f.setFeature("http://apache.org/xml/features/nonvalidating/load-external-dtd", false);
    try (var in = Files.newInputStream(file)) {
      return f.newDocumentBuilder().parse(in);
    }
  }

  private static int count(XPath xp, Document doc, String path) throws Exception {
    return ((Number) xp.evaluate("count(" + path + ")", doc, XPathConstants.NUMBER)).intValue();
  }
}
