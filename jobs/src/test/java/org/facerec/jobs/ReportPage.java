package org.facerec.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.imageio.ImageIO;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.xpath.XPath;
import javax.xml.xpath.XPathConstants;
import javax.xml.xpath.XPathFactory;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.w3c.dom.NodeList;

/** A job's report.html parsed as XML (it is well-formed, or parsing fails), for assertions. */
final class ReportPage {
  private static final Pattern MARGIN = Pattern.compile("^margin (\\d+\\.\\d{4}) ");
  final String html;
  final Document doc;
  private final XPath xp = XPathFactory.newInstance().newXPath();

  ReportPage(Path file) throws Exception {
    html = Files.readString(file);
    DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
    f.setFeature("http://apache.org/xml/features/nonvalidating/load-external-dtd", false);
    try (var in = Files.newInputStream(file)) {
      doc = f.newDocumentBuilder().parse(in);
    }
  }

  String text(String path) throws Exception {
    return xp.evaluate(path, doc);
  }

  int count(String path) throws Exception {
    return ((Number) xp.evaluate("count(" + path + ")", doc, XPathConstants.NUMBER)).intValue();
  }

  List<String> headings() throws Exception {
    List<String> out = new ArrayList<>();
    for (Node n : nodes("//h2")) {
      out.add(n.getTextContent());
    }
    return out;
  }

  /** The cards of the section whose heading has {@code id}. */
  List<Element> cards(String id) throws Exception {
    List<Element> out = new ArrayList<>();
    for (Node n : nodes("//div[@class='cards'][preceding-sibling::h2[1][@id='" + id + "']]"
        + "/div[contains(@class, 'card')]")) {
      out.add((Element) n);
    }
    return out;
  }

  /** A card's caption lines, its title first. */
  List<String> lines(Element card) throws Exception {
    List<String> out = new ArrayList<>();
    NodeList ps = (NodeList) xp.evaluate("p", card, XPathConstants.NODESET);
    for (int i = 0; i < ps.getLength(); i++) {
      out.add(ps.item(i).getTextContent());
    }
    return out;
  }

  /** The labels under a card's images. */
  List<String> labels(Element card) throws Exception {
    List<String> out = new ArrayList<>();
    NodeList ls = (NodeList) xp.evaluate(".//span[@class='label']", card,
        XPathConstants.NODESET);
    for (int i = 0; i < ls.getLength(); i++) {
      out.add(ls.item(i).getTextContent());
    }
    return out;
  }

  /** The margins the cards of a section show, in page order. */
  List<Double> margins(String id) throws Exception {
    List<Double> out = new ArrayList<>();
    for (Element card : cards(id)) {
      Matcher m = MARGIN.matcher(lines(card).get(1));
      assertThat(m.find()).as("margin line of %s", lines(card)).isTrue();
      out.add(Double.parseDouble(m.group(1)));
    }
    return out;
  }

  /** Every image is an embedded JPEG thumbnail of at most 112 px; returns how many. */
  int assertThumbnails() throws Exception {
    List<Node> imgs = nodes("//img");
    for (Node n : imgs) {
      String src = ((Element) n).getAttribute("src");
      assertThat(src).startsWith("data:image/jpeg;base64,");
      var img = ImageIO.read(new ByteArrayInputStream(
          Base64.getDecoder().decode(src.substring(src.indexOf(',') + 1))));
      assertThat(img).isNotNull();
      assertThat(Math.max(img.getWidth(), img.getHeight())).isBetween(16, 112);
    }
    return imgs.size();
  }

  /** Nothing from the network: no scripts, links, remote URLs. */
  void assertSelfContained() {
    assertThat(html.replace("http://www.w3.org/2000/svg", "")).doesNotContain("http:")
        .doesNotContain("https:").doesNotContain("<link").doesNotContain("url(")
        .doesNotContain("<script");
  }

  private List<Node> nodes(String path) throws Exception {
    NodeList l = (NodeList) xp.evaluate(path, doc, XPathConstants.NODESET);
    List<Node> out = new ArrayList<>();
    for (int i = 0; i < l.getLength(); i++) {
      out.add(l.item(i));
    }
    return out;
  }
}
