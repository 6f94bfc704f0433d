package org.facerec.report;

import static org.apache.spark.sql.functions.col;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.facerec.config.InputLimits;
import org.facerec.config.Settings;
import org.facerec.image.ImageDecoder;
import org.facerec.io.Failures;
import org.facerec.io.Inputs;
import org.facerec.match.Distances;
import org.facerec.pipeline.FacePipeline;
import org.facerec.report.AuditReport.Photo;
import org.facerec.spark.Embeddings;
import org.facerec.spark.ImageFiles;

/**
 * The photos of the audit reports' cards, read on the driver (local files or s3a://) with the
 * jobs' input guards and cropped to the face box, for the cards shown only; or why a photo
 * cannot be shown. Where image paths are encrypted, no photo and no path is shown at all.
 */
final class ReportPhotos {
  /** An enrolled photo of a resident. */
  record Enrolled(String path, int[] box, float[] embedding) {}

  private final Dataset<Row> residents;
  private final long maxBytes;
  private final Configuration conf;
  /** Why no photo is shown at all, or null. */
  private final String hidden;
  private final FacePipeline decoding;
  private final Map<String, Photo> made = new HashMap<>();

  /** @param residents the OK rows of the residents table */
  ReportPhotos(Dataset<Row> residents, InputLimits limits, boolean pathsEncrypted) {
    this.residents = residents;
    this.maxBytes = limits.maxBytes();
    this.conf = residents.sparkSession().sparkContext().hadoopConfiguration();
    this.hidden = pathsEncrypted ? "image paths are encrypted (" + Settings.ENCRYPTION_IMAGE_PATH
        + "), so the report shows neither paths nor photos" : null;
    this.decoding = FacePipeline.decodeOnly(limits.maxPixels(), 1);
  }

  /** What a card list says when it has no photos. */
  String note() {
    return hidden == null ? "" : " No photos: " + hidden + ".";
  }

  /** The enrolled photos of {@code ids}: a small filter of the residents table. */
  Map<String, List<Enrolled>> enrolled(Set<String> ids) {
    Map<String, List<Enrolled>> out = new HashMap<>();
    if (ids.isEmpty() || hidden != null) {
      return out;
    }
    Dataset<Row> r = residents.filter(col("resident_id").isin(ids.toArray()));
    for (Row x : r.select(col("resident_id"), col(Inputs.IMAGE_PATH), col("face_box"),
        col("embedding")).collectAsList()) {
      out.computeIfAbsent(x.getString(0), k -> new ArrayList<>()).add(new Enrolled(
          x.getString(1), box(x, 2), Embeddings.of(x, 3)));
    }
    return out;
  }

  /** The resident's enrolled photo nearest to the probe. */
  Photo nearest(Map<String, List<Enrolled>> enrolled, String id, float[] probe, String label) {
    if (hidden != null) {
      return new Photo(label, null, hidden);
    }
    Enrolled best = null;
    double bestD = Double.POSITIVE_INFINITY;
    for (Enrolled e : enrolled.getOrDefault(id, List.of())) {
      double d = probe == null ? 0 : Distances.l2(probe, e.embedding());
      if (d < bestD) {
        bestD = d;
        best = e;
      }
    }
    if (best == null) {
      return new Photo(label, null, "no enrolled photo of " + id + " found");
    }
    if (best.path() == null) {
      return new Photo(label, null, "the residents table has no image paths");
    }
    return thumbnail(label, best.path(), best.box());
  }

  Photo probe(Row x) {
    return probe(x, "probe");
  }

  Photo probe(Row x, String label) {
    if (hidden != null) {
      return new Photo(label, null, hidden);
    }
    String path = x.getAs(Inputs.IMAGE_PATH);
    return path == null ? new Photo(label, null, "no image path")
        : thumbnail(label, path, box(x, x.fieldIndex("face_box")));
  }

  /** The image path as a card's last line, unless paths are hidden. */
  void pathLine(Row x, List<String> lines) {
    if (hidden == null && x.getAs(Inputs.IMAGE_PATH) != null) {
      lines.add(x.getAs(Inputs.IMAGE_PATH));
    }
  }

  private Photo thumbnail(String label, String path, int[] box) {
    String key = path + Arrays.toString(box);
    Photo p = made.get(key);
    if (p == null) {
      p = make(path, box);
      made.put(key, p);
    }
    return new Photo(label, p.uri(), p.missing());
  }

  private Photo make(String path, int[] box) {
    try {
      ImageFiles.Read read = ImageFiles.read(path, maxBytes, conf);
      ImageDecoder.Decoded d = decoding.decode(
          new FacePipeline.Input(read.bytes(), read.error(), null));
      if (!d.ok()) {
        return new Photo(null, null, d.error());
      }
      return new Photo(null, Thumbnails.faceDataUri(d.image(), box, Thumbnails.SIDE), null);
    } catch (RuntimeException e) { // a photo is not worth failing the report for
      return new Photo(null, null, "cannot read " + path + ": " + Failures.reason(e));
    }
  }

  private static int[] box(Row x, int i) {
    if (x.isNullAt(i)) {
      return null;
    }
    List<?> b = x.getList(i);
    int[] out = new int[b.size()];
    for (int j = 0; j < out.length; j++) {
      out[j] = ((Number) b.get(j)).intValue();
    }
    return out;
  }
}
