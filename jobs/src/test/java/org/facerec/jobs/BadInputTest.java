package org.facerec.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import java.awt.Graphics2D;
import java.awt.Transparency;
import java.awt.color.ColorSpace;
import java.awt.image.BufferedImage;
import java.awt.image.ComponentColorModel;
import java.awt.image.DataBuffer;
import java.awt.image.WritableRaster;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.zip.CRC32;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriter;
import javax.imageio.stream.ImageOutputStream;
import com.twelvemonkeys.imageio.color.ColorSpaces;
import org.apache.spark.sql.Row;
import org.facerec.TestData;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A messy photo dump, made here from a few lfw-dev photos: every kind of file that breaks image
 * pipelines. Each job completes, writes one row per input, gives every bad row a status and an
 * error a person can read, and writes the same outputs when run again.
 */
class BadInputTest extends SparkTest {
  static final String NON_ASCII = "Zoë Saldaña";
  static final String NON_ASCII_FILE = NON_ASCII + "/Zoë 01 (copie).jpg";
  /** Lower limits than the defaults, so that the large files stay small. */
  static final String[] LIMITS = {"--set", "facerec.image.max-pixels=4000000", "--set",
      "facerec.image.max-bytes=2000000", "--set", "facerec.image.extensions=jpg,jpeg,png,gif"};

  @TempDir
  static Path dir;
  static Path photos;
  static Path table;

  /** relative path -> expected status and a fragment of the error (null for OK). */
  static final Map<String, String[]> EXPECTED = new LinkedHashMap<>();

  @BeforeAll
  static void makeTheDumpAndEnrolIt() throws IOException {
    photos = dir.resolve("photos");
    Path lfw = TestData.data("lfw-dev/images");
    byte[] abel = Files.readAllBytes(lfw.resolve("Abel_Pacheco/Abel_Pacheco_0001.jpg"));
    BufferedImage akhmed = ImageIO.read(lfw.resolve("Akhmed_Zakayev/Akhmed_Zakayev_0001.jpg")
        .toFile());
    BufferedImage amber = ImageIO.read(lfw.resolve("Amber_Tamblyn/Amber_Tamblyn_0001.jpg")
        .toFile());
    BufferedImage abelImage = ImageIO.read(lfw.resolve("Abel_Pacheco/Abel_Pacheco_0002.jpg")
        .toFile());

    put("abel/Abel_Pacheco_0001.jpg", abel, "OK", null);
    put("abel/rgba.png", encode(withAlpha(abelImage), "png"), "OK", null);
    put("abel/sixteen-bit.png", encode(sixteenBit(abelImage), "png"), "OK", null);
    put("akhmed/grey.jpg", encode(grey(akhmed), "jpg"), "OK", null);
    put("akhmed/cmyk.jpg", encode(cmyk(akhmed), "jpeg"), "OK", null);
    put("amber/animated.gif", animatedGif(amber, grey(amber)), "OK", null);
    put(NON_ASCII_FILE, Files.readAllBytes(lfw.resolve("Angela_Bassett/Angela_Bassett_0001.jpg")),
        "OK", null);
    put("twin/abel copy.jpg", abel, "DUPLICATE", "same photo as ");
    put("bad/empty.jpg", new byte[0], "BAD_IMAGE", "empty file (0 bytes)");
    put("bad/truncated.jpg", Arrays.copyOf(abel, abel.length * 6 / 10), "BAD_IMAGE",
        "truncated image");
    byte[] random = new byte[5000];
    new Random(42).nextBytes(random);
    put("bad/random.jpg", random, "BAD_IMAGE", "not an image");
    put("bad/notes.png", "shopping list: milk, eggs\n".getBytes(), "BAD_IMAGE", "not an image");
    put("bad/pixel.png", encode(new BufferedImage(1, 1, BufferedImage.TYPE_3BYTE_BGR), "png"),
        "BAD_IMAGE", "1x1, smaller than 32 pixels");
    put("bad/bomb.png", pngClaiming(50_000, 50_000), "BAD_IMAGE",
        "50000x50000 = 2500000000 pixels, over the limit of 4000000 (facerec.image.max-pixels)");
    put("bad/large.jpg", encode(new BufferedImage(2400, 1800, BufferedImage.TYPE_3BYTE_BGR),
        "jpg"), "BAD_IMAGE", "2400x1800 = 4320000 pixels, over the limit");
    byte[] huge = Arrays.copyOf(abel, 3_000_000); // a JPEG with 3 MB of trailing zeros
    put("bad/huge.jpg", huge, "BAD_IMAGE",
        "file is 3000000 bytes, over the limit of 2000000 (facerec.image.max-bytes)");
    Files.writeString(photos.resolve("README.txt"), "not a photo, not an input");

    table = dir.resolve("residents");
    ok(args("enroll", "--images", photos.toString(), "--table", table.toString()));
  }

  static String[] args(String... a) {
    String[] all = Arrays.copyOf(a, a.length + LIMITS.length);
    System.arraycopy(LIMITS, 0, all, a.length, LIMITS.length);
    return all;
  }

  @Test
  void enrollWritesOneRowPerImageWithAStatusAndAReadableError() {
    List<Row> rows = parquet(table).collectAsList();
    assertThat(rows).hasSize(EXPECTED.size());
    for (Row r : rows) {
      String relative = relative(r.getAs("image_path"));
      String[] want = EXPECTED.get(relative);
      assertThat(want).as("unexpected row %s", relative).isNotNull();
      assertThat(r.<String>getAs("status")).as(relative).isEqualTo(want[0]);
      assertReadable(relative, r.getAs("error"), want[1]);
      assertThat(r.isNullAt(r.fieldIndex("embedding"))).as(relative)
          .isEqualTo(!"OK".equals(want[0]));
    }
    assertThat(rows).filteredOn(r -> relative(r.getAs("image_path")).equals(NON_ASCII_FILE))
        .singleElement().satisfies(r ->
            assertThat(r.<String>getAs("resident_id")).isEqualTo(NON_ASCII));
  }

  @Test
  void reRunningEnrollChangesNothing() {
    List<Row> before = rows(parquet(table), "image_path");
    Result again = ok(args("enroll", "--images", photos.toString(), "--table",
        table.toString()));
    assertThat(again.out()).contains("UNCHANGED").doesNotContain("  OK  "); // nothing encoded
    assertThat(rows(parquet(table), "image_path")).isEqualTo(before);
  }

  @Test
  void verifyDecidesEveryEventLineAndAgainTheSame() throws IOException {
    Path events = Files.write(photos.resolve("events.csv"), List.of(
        "event_id,image_path,claimed_id",
        "ok,abel/Abel_Pacheco_0001.jpg,abel",
        "nonascii," + NON_ASCII_FILE + "," + NON_ASCII,
        "cmyk,akhmed/cmyk.jpg,akhmed",
        "gif,amber/animated.gif,amber",
        "empty,bad/empty.jpg,abel",
        "truncated,bad/truncated.jpg,abel",
        "text,bad/notes.png,abel",
        "tiny,bad/pixel.png,abel",
        "missing,bad/no such photo.jpg,abel",
        "unknown,abel/rgba.png,nobody",
        "noclaim,abel/rgba.png,",
        "\"broken,line"));
    Map<String, String[]> want = new LinkedHashMap<>();
    want.put("ok", new String[] {"ACCEPT", null});
    want.put("nonascii", new String[] {"ACCEPT", null});
    want.put("cmyk", new String[] {"ACCEPT", null});
    want.put("gif", new String[] {"ACCEPT", null});
    want.put("empty", new String[] {"BAD_IMAGE", "empty file"});
    want.put("truncated", new String[] {"BAD_IMAGE", "truncated image"});
    want.put("text", new String[] {"BAD_IMAGE", "not an image"});
    want.put("tiny", new String[] {"BAD_IMAGE", "too small to hold a face"});
    want.put("missing", new String[] {"BAD_IMAGE", "file not found"});
    want.put("unknown", new String[] {"UNKNOWN_CLAIM", "no resident 'nobody'"});
    want.put("noclaim", new String[] {"BAD_ROW", "CSV line has no claimed_id"});
    Path out1 = dir.resolve("verify1");
    Path out2 = dir.resolve("verify2");
    for (Path out : List.of(out1, out2)) {
      ok(args("verify", "--events", events.toString(), "--table", table.toString(), "--out",
          out.toString()));
    }
    List<Row> rows = rows(parquet(out1.resolve("verify.parquet")), "event_id", "image_path");
    assertThat(rows).hasSize(12); // twelve lines after the header, twelve rows
    for (Row r : rows) {
      String id = r.getAs("event_id");
      if (!want.containsKey(id)) { // the broken line, however the parser cut it
        assertThat(r.<String>getAs("decision")).isEqualTo("BAD_ROW");
        assertReadable("broken line", r.getAs("error"), "malformed CSV line");
        continue;
      }
      assertThat(r.<String>getAs("decision")).as(id).isEqualTo(want.get(id)[0]);
      assertReadable(id, r.getAs("error"), want.get(id)[1]);
    }
    assertThat(rows(parquet(out2.resolve("verify.parquet")), "event_id", "image_path"))
        .isEqualTo(rows);
    assertThat(Files.readAllLines(out2.resolve("verify.csv")))
        .isEqualTo(Files.readAllLines(out1.resolve("verify.csv"))).hasSize(13);
  }

  @Test
  void identifyGivesEveryImageARowKeyedByItsPlainPathAndAgainTheSame() throws IOException {
    Path out1 = dir.resolve("identify1");
    Path out2 = dir.resolve("identify2");
    for (Path out : List.of(out1, out2)) {
      ok(args("identify", "--images", photos.toString(), "--table", table.toString(), "--out",
          out.toString(), "--top-k", "2"));
    }
    List<Row> rows = rows(parquet(out1.resolve("identify.parquet")), "event_id");
    assertThat(rows).extracting(r -> r.<String>getAs("event_id"))
        .containsExactlyInAnyOrderElementsOf(EXPECTED.keySet());
    for (Row r : rows) {
      String id = r.getAs("event_id");
      String status = EXPECTED.get(id)[0];
      if (status.equals("BAD_IMAGE")) {
        assertThat(r.<String>getAs("decision")).as(id).isEqualTo("BAD_IMAGE");
        assertReadable(id, r.getAs("error"), EXPECTED.get(id)[1]);
      } else {
        assertThat(r.<String>getAs("decision")).as(id).isIn("MATCH", "UNKNOWN");
      }
    }
    assertThat(rows(parquet(out2.resolve("identify.parquet")), "event_id")).isEqualTo(rows);
    assertThat(Files.readAllLines(out2.resolve("identify.csv")))
        .isEqualTo(Files.readAllLines(out1.resolve("identify.csv")));
  }

  @Test
  void embedWritesALinePerImageAndAgainTheSame() throws IOException {
    Path one = dir.resolve("embed1.csv");
    Path two = dir.resolve("embed2.csv");
    for (Path out : List.of(one, two)) {
      ok(args("embed", "--out", out.toString(), photos.toString()));
    }
    List<String> lines = Files.readAllLines(one);
    assertThat(lines).hasSize(1 + EXPECTED.size()).isEqualTo(Files.readAllLines(two));
    for (String line : lines.subList(1, lines.size())) {
      String relative = line.substring(photos.toString().length() + 1, line.indexOf(','));
      String[] want = EXPECTED.get(relative);
      assertThat(want).as(line).isNotNull();
      // embed encodes every image as given: a duplicate is just another image there
      assertThat(line).as(relative).contains(want[0].equals("BAD_IMAGE") ? ",BAD_IMAGE," : ",OK,");
    }
  }

  static void assertReadable(String what, String error, String fragment) {
    if (fragment == null) {
      assertThat(error).as(what).isNull();
      return;
    }
    assertThat(error).as(what).contains(fragment).doesNotContain("\n")
        .doesNotContainPattern("\\b\\w+(Exception|Error)\\b");
  }

  static String relative(String imagePath) {
    String root = photos.toUri().getPath();
    String p = new org.apache.hadoop.fs.Path(imagePath).toUri().getPath();
    return p.substring(root.length());
  }

  static void put(String relative, byte[] bytes, String status, String error) throws IOException {
    Path p = photos.resolve(relative);
    Files.createDirectories(p.getParent());
    Files.write(p, bytes);
    EXPECTED.put(relative, new String[] {status, error});
  }

  static byte[] encode(BufferedImage img, String format) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    assertThat(ImageIO.write(img, format, out)).as("writer for " + format).isTrue();
    return out.toByteArray();
  }

  static BufferedImage withAlpha(BufferedImage src) {
    BufferedImage out = new BufferedImage(src.getWidth(), src.getHeight(),
        BufferedImage.TYPE_INT_ARGB);
    for (int y = 0; y < src.getHeight(); y++) {
      for (int x = 0; x < src.getWidth(); x++) {
        out.setRGB(x, y, (src.getRGB(x, y) & 0xFFFFFF) | (x < 20 ? 0x40 : 0xFF) << 24);
      }
    }
    return out;
  }

  static BufferedImage sixteenBit(BufferedImage src) {
    ComponentColorModel cm = new ComponentColorModel(ColorSpace.getInstance(ColorSpace.CS_sRGB),
        false, false, Transparency.OPAQUE, DataBuffer.TYPE_USHORT);
    WritableRaster r = cm.createCompatibleWritableRaster(src.getWidth(), src.getHeight());
    for (int y = 0; y < src.getHeight(); y++) {
      for (int x = 0; x < src.getWidth(); x++) {
        int p = src.getRGB(x, y);
        r.setPixel(x, y, new int[] {(p >> 16 & 0xFF) * 257, (p >> 8 & 0xFF) * 257,
            (p & 0xFF) * 257});
      }
    }
    return new BufferedImage(cm, r, false, null);
  }

  static BufferedImage grey(BufferedImage src) {
    BufferedImage out = new BufferedImage(src.getWidth(), src.getHeight(),
        BufferedImage.TYPE_BYTE_GRAY);
    Graphics2D g = out.createGraphics();
    g.drawImage(src, 0, 0, null);
    g.dispose();
    return out;
  }

  static BufferedImage cmyk(BufferedImage src) {
    ComponentColorModel cm = new ComponentColorModel(
        ColorSpaces.getColorSpace(ColorSpaces.CS_GENERIC_CMYK), false, false,
        Transparency.OPAQUE, DataBuffer.TYPE_BYTE);
    WritableRaster r = cm.createCompatibleWritableRaster(src.getWidth(), src.getHeight());
    for (int y = 0; y < src.getHeight(); y++) {
      for (int x = 0; x < src.getWidth(); x++) {
        int p = src.getRGB(x, y);
        r.setPixel(x, y, new int[] {255 - (p >> 16 & 0xFF), 255 - (p >> 8 & 0xFF),
            255 - (p & 0xFF), 0});
      }
    }
    return new BufferedImage(cm, r, false, null);
  }

  static byte[] animatedGif(BufferedImage... frames) throws IOException {
    ImageWriter w = ImageIO.getImageWritersByFormatName("gif").next();
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (ImageOutputStream out = ImageIO.createImageOutputStream(bytes)) {
      w.setOutput(out);
      w.prepareWriteSequence(null);
      for (BufferedImage f : frames) {
        BufferedImage rgb = new BufferedImage(f.getWidth(), f.getHeight(),
            BufferedImage.TYPE_3BYTE_BGR);
        Graphics2D g = rgb.createGraphics();
        g.drawImage(f, 0, 0, null);
        g.dispose();
        w.writeToSequence(new javax.imageio.IIOImage(rgb, null, null), null);
      }
      w.endWriteSequence();
    } finally {
      w.dispose();
    }
    return bytes.toByteArray();
  }

  /** A tiny PNG whose header claims {@code w x h}: a decompression bomb's calling card. */
  static byte[] pngClaiming(int w, int h) throws IOException {
    byte[] png = encode(new BufferedImage(1, 1, BufferedImage.TYPE_3BYTE_BGR), "png");
    ByteBuffer b = ByteBuffer.wrap(png); // signature (8), IHDR length (4), "IHDR" (4), data (13)
    b.putInt(16, w).putInt(20, h);
    CRC32 crc = new CRC32();
    crc.update(png, 12, 17);
    b.putInt(29, (int) crc.getValue());
    return png;
  }
}
