package org.facerec.report;

import static org.facerec.report.Format.fmt;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;

/**
 * The {@code report.html} of a verify or identify run, for the person who audits it: what was
 * run, the counts per decision, the distances against the threshold, and the decisions that need
 * a human as cards (the probe photo beside the closest enrolled photos). It lays out what the
 * job hands it, in that order, under links to each section; the job decides what goes in.
 */
public final class AuditReport {
  private static final String GOOD = "#2ca02c";
  private static final String BAD = "#d62728";

  /** A photo on a card: its label under it, and its thumbnail or why there is none. */
  public record Photo(String label, String uri, String missing) {}

  /**
   * A decision to show: its title line (decision and event), caption lines, photos, and the tag
   * that colours it ({@code good}, {@code bad} or {@code failed}).
   */
  public record Item(String title, List<String> lines, List<Photo> photos, String tag) {}

  private final String title;
  private final List<List<String>> run = new ArrayList<>();
  private final List<List<String>> contents = new ArrayList<>();
  /** The sections, laid out when the page is made, after the links to them. */
  private final List<Consumer<Html>> sections = new ArrayList<>();

  /** @param run what was run: inputs, model, threshold, time, throughput..., in order */
  public AuditReport(String title, Map<String, String> run) {
    this.title = title;
    run.forEach((k, v) -> this.run.add(List.of(k, v)));
  }

  /** Counts per decision, with what each means. */
  public AuditReport decisions(Map<String, Long> counts, Map<String, String> meanings) {
    long total = counts.values().stream().mapToLong(Long::longValue).sum();
    List<List<String>> rows = new ArrayList<>();
    counts.forEach((decision, n) -> rows.add(List.of(decision, Long.toString(n),
        total == 0 ? "" : String.format(Locale.ROOT, "%.1f%%", 100.0 * n / total),
        meanings.getOrDefault(decision, ""))));
    return section("Decisions", "decisions",
        page -> page.table(List.of("decision", "events", "share", "meaning"), rows));
  }

  /**
   * A histogram of the distances per decision (the first series green, the others red), with
   * the threshold and the start of the review band marked (none when the threshold is NaN: the
   * decisions were not made on the distance).
   */
  public AuditReport histogram(String chartTitle, Map<String, double[]> byDecision,
      double threshold, double margin, String note) {
    long n = byDecision.values().stream().mapToLong(v -> v.length).sum();
    if (n == 0) {
      return section("Distances", "distances",
          page -> page.paragraph("No distances: no face was encoded and compared."));
    }
    // from 0, and wide enough for the threshold: where it lies matters as much as the bars
    double most = Double.isNaN(threshold) ? 0 : threshold;
    for (double[] v : byDecision.values()) {
      for (double x : v) {
        most = Double.isFinite(x) ? Math.max(most, x) : most;
      }
    }
    SvgHistogram h = new SvgHistogram(chartTitle, "L2 distance")
        .bins(0, most > 0 ? most * 1.05 : 1, 50);
    boolean first = true;
    for (Map.Entry<String, double[]> e : byDecision.entrySet()) {
      h.series(e.getKey() + " (" + e.getValue().length + ")", first ? GOOD : BAD, e.getValue());
      first = false;
    }
    if (!Double.isNaN(threshold)) {
      h.marker(threshold, "threshold " + fmt(threshold));
    }
    if (margin > 0 && !Double.isNaN(threshold)) {
      h.marker(threshold - margin, "review from " + fmt(threshold - margin));
    }
    String svg = h.render(760, 360);
    return section("Distances", "distances", page -> {
      page.charts(svg);
      if (note != null) {
        page.note(note);
      }
    });
  }

  /**
   * Cards under a heading that counts them.
   *
   * @param total how many there are in all; when more than shown, a line says so and
   *     {@code where} the full list is
   */
  public AuditReport cards(String heading, String id, String note, List<Item> items, long total,
      String where) {
    List<Html.Card> cards = new ArrayList<>();
    for (Item it : items) {
      List<String> uris = new ArrayList<>();
      List<String> alts = new ArrayList<>();
      List<String> labels = new ArrayList<>();
      for (Photo p : it.photos()) {
        uris.add(p.uri());
        alts.add(p.uri() == null && p.missing() != null ? p.label() + ": " + p.missing()
            : p.label());
        labels.add(p.label());
      }
      List<String> caption = new ArrayList<>();
      caption.add(it.title());
      caption.addAll(it.lines());
      cards.add(new Html.Card(uris, alts, caption, labels, it.tag()));
    }
    return section(heading + " (" + total + ")", id, page -> {
      if (note != null) {
        page.note(note);
      }
      if (total == 0) {
        page.paragraph("None.");
        return;
      }
      if (items.size() < total) {
        page.paragraph("Showing the first " + items.size() + " of " + total + " (setting "
            + "facerec.report.max-items); all of them are in " + where + ".");
      }
      page.cards(cards);
    });
  }

  /** A table under its own heading ("None." when it has no rows). */
  public AuditReport table(String heading, String id, String note, List<String> header,
      List<List<String>> rows) {
    return section(heading, id, page -> {
      if (note != null) {
        page.note(note);
      }
      if (rows.isEmpty()) {
        page.paragraph("None.");
      } else {
        page.table(header, rows);
      }
    });
  }

  public Html page() {
    Html page = new Html(title);
    page.heading(1, title);
    page.table(List.of("run", ""), run);
    page.contents(contents);
    sections.forEach(s -> s.accept(page));
    return page;
  }

  private AuditReport section(String heading, String id, Consumer<Html> content) {
    contents.add(List.of(heading, id));
    sections.add(page -> {
      page.heading(2, heading, id);
      content.accept(page);
    });
    return this;
  }
}
