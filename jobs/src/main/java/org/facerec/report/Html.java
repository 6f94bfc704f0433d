package org.facerec.report;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * A self-contained HTML page built top to bottom: every text argument is escaped, and only
 * {@link #raw} and {@link #charts} take markup (SVG from {@link SvgLineChart} or
 * {@link SvgHistogram}). The style is inline and uses the system's fonts, so the page needs
 * nothing from the network. The markup is also well-formed XML (void elements self-closed), so
 * tests and tools can parse it with an XML parser.
 */
public final class Html {
  private static final String STYLE = String.join("\n",
      "body{font-family:system-ui,-apple-system,'Segoe UI',Roboto,sans-serif;margin:24px auto;",
      "max-width:1180px;padding:0 16px;color:#222;line-height:1.4}",
      "h1{font-size:1.6em;margin-bottom:4px}h2{font-size:1.25em;margin-top:32px;",
      "border-bottom:1px solid #ddd;padding-bottom:4px}",
      "table{border-collapse:collapse;margin:8px 0}",
      "th,td{border:1px solid #ddd;padding:4px 10px;text-align:left;vertical-align:top}",
      "th{background:#f4f4f4}td.num{text-align:right;font-variant-numeric:tabular-nums}",
      ".charts{display:flex;flex-wrap:wrap;gap:16px}",
      ".cards{display:flex;flex-wrap:wrap;gap:12px}",
      ".card{border:1px solid #ddd;border-radius:4px;padding:6px;background:#fafafa;",
      "width:min-content;min-width:236px}.card .images{white-space:nowrap}",
      ".card img,.card .missing{display:inline-block;vertical-align:top;margin:0 2px;",
      "width:112px;height:112px;background:#eee}",
      ".card img{object-fit:contain}",
      ".card .missing{color:#888;font-size:12px;text-align:center;line-height:112px}",
      ".card p{margin:4px 0 0;font-size:12px;overflow-wrap:anywhere}",
      ".card .fig{display:inline-block;vertical-align:top;width:116px}",
      ".card .fig .label{display:block;font-size:11px;color:#555;text-align:center;",
      "white-space:normal;overflow-wrap:anywhere;margin-top:2px}",
      ".card.tagged{border-left-width:5px}.card.tagged p:first-of-type{font-weight:600}",
      ".card.good{border-left-color:#2ca02c}.card.bad{border-left-color:#d62728}",
      ".card.failed{border-left-color:#7f7f7f}",
      ".note{color:#555;font-size:0.9em}");

  private final StringBuilder body = new StringBuilder();
  private final String title;

  public Html(String title) {
    this.title = title;
  }

  /** {@code s} with {@code & < > " '} replaced by entities: safe as text and in attributes. */
  public static String escape(String s) {
    StringBuilder out = new StringBuilder(s.length());
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '&' -> out.append("&amp;");
        case '<' -> out.append("&lt;");
        case '>' -> out.append("&gt;");
        case '"' -> out.append("&quot;");
        case '\'' -> out.append("&#39;");
        default -> out.append(c);
      }
    }
    return out.toString();
  }

  public Html heading(int level, String text) {
    return heading(level, text, null);
  }

  /** A heading with an id, for links to it ({@code #id}). */
  public Html heading(int level, String text, String id) {
    if (level < 1 || level > 6) {
      throw new IllegalArgumentException("heading level must be 1..6, got " + level);
    }
    body.append("<h").append(level).append(id == null ? "" : " id=\"" + escape(id) + "\"")
        .append('>').append(escape(text)).append("</h").append(level).append(">\n");
    return this;
  }

  /** A line of links to headings of this page: (text, id) pairs. */
  public Html contents(List<List<String>> links) {
    body.append("<p class=\"note\">");
    for (int i = 0; i < links.size(); i++) {
      body.append(i == 0 ? "" : " · ").append("<a href=\"#").append(escape(links.get(i).get(1)))
          .append("\">").append(escape(links.get(i).get(0))).append("</a>");
    }
    body.append("</p>\n");
    return this;
  }

  public Html paragraph(String text) {
    body.append("<p>").append(escape(text)).append("</p>\n");
    return this;
  }

  /** A paragraph in the muted style of side notes. */
  public Html note(String text) {
    body.append("<p class=\"note\">").append(escape(text)).append("</p>\n");
    return this;
  }

  /** A table; cells that read as numbers are right-aligned. */
  public Html table(List<String> header, List<List<String>> rows) {
    body.append("<table>\n<thead><tr>");
    for (String h : header) {
      body.append("<th>").append(escape(h)).append("</th>");
    }
    body.append("</tr></thead>\n<tbody>\n");
    for (List<String> row : rows) {
      body.append("<tr>");
      for (String cell : row) {
        body.append(isNumeric(cell) ? "<td class=\"num\">" : "<td>").append(escape(cell))
            .append("</td>");
      }
      body.append("</tr>\n");
    }
    body.append("</tbody>\n</table>\n");
    return this;
  }

  /** SVG figures side by side (wrapping on narrow windows). */
  public Html charts(String... svgs) {
    body.append("<div class=\"charts\">\n");
    for (String svg : svgs) {
      body.append(svg).append('\n');
    }
    body.append("</div>\n");
    return this;
  }

  /**
   * One card per item: its images side by side ({@code data:} URIs; a null URI shows as a grey
   * "unavailable" box) and its caption lines under them.
   */
  public Html cards(List<Card> cards) {
    body.append("<div class=\"cards\">\n");
    for (Card c : cards) {
      body.append(c.tag() == null ? "<div class=\"card\">"
          : "<div class=\"card tagged " + escape(c.tag()) + "\">").append("<div class=\"images\">");
      for (int i = 0; i < c.imageUris().size(); i++) {
        String uri = c.imageUris().get(i);
        String alt = c.imageAlts().get(i);
        String label = c.labels() == null ? null : c.labels().get(i);
        if (label != null) {
          body.append("<span class=\"fig\">");
        }
        if (uri == null) {
          body.append("<span class=\"missing\" title=\"").append(escape(alt))
              .append("\">unavailable</span>");
        } else {
          body.append("<img src=\"").append(escape(uri)).append("\" alt=\"").append(escape(alt))
              .append("\" title=\"").append(escape(alt)).append("\"/>");
        }
        if (label != null) {
          body.append("<span class=\"label\">").append(escape(label)).append("</span></span>");
        }
      }
      body.append("</div>");
      for (String line : c.caption()) {
        // paths are long: let them wrap after a separator rather than anywhere
        body.append("<p>").append(escape(line).replaceAll("([/_-])", "$1<wbr/>")).append("</p>");
      }
      body.append("</div>\n");
    }
    body.append("</div>\n");
    return this;
  }

  /**
   * A card of {@link #cards}: image data URIs, their alt texts, caption lines; optionally a label
   * under each image and a tag, a CSS class that colours its edge ({@code good}, {@code bad},
   * {@code failed}) and makes its first caption line a title.
   */
  public record Card(List<String> imageUris, List<String> imageAlts, List<String> caption,
      List<String> labels, String tag) {
    public Card {
      if (imageUris.size() != imageAlts.size()
          || labels != null && labels.size() != imageUris.size()) {
        throw new IllegalArgumentException("a card needs one alt text (and label) per image");
      }
    }

    public Card(List<String> imageUris, List<String> imageAlts, List<String> caption) {
      this(imageUris, imageAlts, caption, null, null);
    }
  }

  /** Trusted markup, inserted as it is. */
  public Html raw(String html) {
    body.append(html).append('\n');
    return this;
  }

  public String render() {
    return "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\"/>\n"
        + "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"/>\n"
        + "<title>" + escape(title) + "</title>\n<style>\n" + STYLE + "\n</style>\n</head>\n"
        + "<body>\n" + body + "</body>\n</html>\n";
  }

  public void write(Path file) throws IOException {
    Files.writeString(file, render(), StandardCharsets.UTF_8);
  }

  private static boolean isNumeric(String s) {
    return s.matches("[-+]?[0-9][-+0-9.,%±e ]*");
  }
}
