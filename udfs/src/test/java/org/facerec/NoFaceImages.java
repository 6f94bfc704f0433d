package org.facerec;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.geom.Ellipse2D;
import java.awt.geom.Path2D;
import java.awt.image.BufferedImage;
import java.awt.image.DataBufferByte;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import javax.imageio.ImageIO;

/**
 * Images that show no face, made from seeds (the same pixels on every machine): blank pages,
 * noise, clouds, gradients, patterns, landscapes, documents and scattered shapes, at several
 * sizes. The test suite checks that the shipped face finding finds no face in them; {@link #main}
 * writes them as PNG files for the no-face set of the face-finding benchmark, which adds
 * photographs and textures from Debian's packages (scripts/make-no-face-set).
 */
public final class NoFaceImages {
  /** One made image: a name that says what it is, and its pixels. */
  public record Made(String name, BufferedImage image) {
    /** PNG bytes, as a file of the set would hold them. */
    public byte[] png() {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      try {
        ImageIO.write(image, "png", out);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      return out.toByteArray();
    }
  }

  private static final int[][] SIZES = {{640, 480}, {320, 240}, {1024, 768}, {480, 640}};

  private NoFaceImages() {}

  /** Every image of the set, in a fixed order. */
  public static List<Made> all() {
    List<Made> out = new ArrayList<>();
    int[] greys = {0, 128, 255};
    for (int g : greys) {
      out.add(new Made("blank-" + g, fill(400, 300, new Color(g, g, g))));
    }
    out.add(new Made("blank-colour", fill(400, 300, new Color(70, 130, 180))));
    for (int seed = 0; seed < 4; seed++) {
      int[] wh = SIZES[seed % SIZES.length];
      out.add(new Made("noise-rgb-" + seed, noise(wh[0], wh[1], seed, true)));
      out.add(new Made("noise-grey-" + seed, noise(wh[0], wh[1], seed, false)));
      out.add(new Made("clouds-" + seed, clouds(wh[0], wh[1], seed)));
      out.add(new Made("gradient-" + seed, gradient(wh[0], wh[1], seed)));
      out.add(new Made("landscape-" + seed, landscape(wh[0], wh[1], seed)));
      out.add(new Made("document-" + seed, document(wh[1] * 3 / 4 + 200, wh[0] + 200, seed)));
      out.add(new Made("shapes-" + seed, shapes(wh[0], wh[1], seed)));
    }
    for (int cell : new int[] {4, 16, 48}) {
      out.add(new Made("checkerboard-" + cell, checkerboard(512, 384, cell)));
    }
    for (int angle : new int[] {0, 30, 90}) {
      out.add(new Made("stripes-" + angle, stripes(512, 384, angle)));
    }
    out.add(new Made("rings", rings(512, 512)));
    out.add(new Made("dots", dots(512, 384)));
    return out;
  }

  private static BufferedImage canvas(int w, int h) {
    return new BufferedImage(w, h, BufferedImage.TYPE_3BYTE_BGR);
  }

  private static Graphics2D paint(BufferedImage img) {
    Graphics2D g = img.createGraphics();
    g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
    return g;
  }

  private static BufferedImage fill(int w, int h, Color c) {
    BufferedImage img = canvas(w, h);
    Graphics2D g = paint(img);
    g.setColor(c);
    g.fillRect(0, 0, w, h);
    g.dispose();
    return img;
  }

  private static BufferedImage noise(int w, int h, int seed, boolean colour) {
    BufferedImage img = canvas(w, h);
    byte[] px = ((DataBufferByte) img.getRaster().getDataBuffer()).getData();
    Random r = new Random(seed);
    for (int i = 0; i < px.length; i += 3) {
      int v = r.nextInt(256);
      px[i] = (byte) (colour ? r.nextInt(256) : v);
      px[i + 1] = (byte) (colour ? r.nextInt(256) : v);
      px[i + 2] = (byte) v;
    }
    return img;
  }

  /** Value noise over five octaves: soft blotches at every scale, like clouds or stone. */
  private static BufferedImage clouds(int w, int h, int seed) {
    double[] v = fractal(w, h, seed, 5);
    BufferedImage img = canvas(w, h);
    Random r = new Random(seed + 100);
    Color a = new Color(r.nextInt(256), r.nextInt(256), r.nextInt(256));
    Color b = new Color(r.nextInt(256), r.nextInt(256), r.nextInt(256));
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) {
        img.setRGB(x, y, mix(a, b, v[y * w + x]).getRGB());
      }
    }
    return img;
  }

  private static double[] fractal(int w, int h, int seed, int octaves) {
    double[] out = new double[w * h];
    double amp = 0.5;
    double total = 0;
    for (int o = 0; o < octaves; o++) {
      int cells = 4 << o;
      Random r = new Random(seed * 31L + o);
      double[] grid = new double[(cells + 1) * (cells + 1)];
      for (int i = 0; i < grid.length; i++) {
        grid[i] = r.nextDouble();
      }
      for (int y = 0; y < h; y++) {
        double gy = (double) y / h * cells;
        int y0 = (int) gy;
        double fy = smooth(gy - y0);
        for (int x = 0; x < w; x++) {
          double gx = (double) x / w * cells;
          int x0 = (int) gx;
          double fx = smooth(gx - x0);
          double top = lerp(grid[y0 * (cells + 1) + x0], grid[y0 * (cells + 1) + x0 + 1], fx);
          double bottom = lerp(grid[(y0 + 1) * (cells + 1) + x0],
              grid[(y0 + 1) * (cells + 1) + x0 + 1], fx);
          out[y * w + x] += amp * lerp(top, bottom, fy);
        }
      }
      total += amp;
      amp /= 2;
    }
    for (int i = 0; i < out.length; i++) {
      out[i] /= total;
    }
    return out;
  }

  private static double smooth(double t) {
    return t * t * (3 - 2 * t);
  }

  private static double lerp(double a, double b, double t) {
    return a + (b - a) * t;
  }

  private static Color mix(Color a, Color b, double t) {
    t = Math.max(0, Math.min(1, t));
    return new Color((int) lerp(a.getRed(), b.getRed(), t),
        (int) lerp(a.getGreen(), b.getGreen(), t), (int) lerp(a.getBlue(), b.getBlue(), t));
  }

  private static BufferedImage gradient(int w, int h, int seed) {
    BufferedImage img = canvas(w, h);
    Random r = new Random(seed);
    Color a = new Color(r.nextInt(256), r.nextInt(256), r.nextInt(256));
    Color b = new Color(r.nextInt(256), r.nextInt(256), r.nextInt(256));
    boolean radial = seed % 2 == 1;
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) {
        double t = radial ? Math.hypot(x - w / 2.0, y - h / 2.0) / Math.hypot(w / 2.0, h / 2.0)
            : (x + y) / (double) (w + h);
        img.setRGB(x, y, mix(a, b, t).getRGB());
      }
    }
    return img;
  }

  /** Sky, a sun, two ridges of hills by midpoint displacement, and a field. */
  private static BufferedImage landscape(int w, int h, int seed) {
    BufferedImage img = canvas(w, h);
    Graphics2D g = paint(img);
    Random r = new Random(seed);
    for (int y = 0; y < h; y++) {
      g.setColor(mix(new Color(90, 140, 220), new Color(230, 200, 170), (double) y / h));
      g.drawLine(0, y, w, y);
    }
    g.setColor(new Color(255, 230, 150));
    int sun = h / 8;
    g.fill(new Ellipse2D.Double(r.nextInt(w - sun), h / 10.0, sun, sun));
    Color[] hills = {new Color(80, 100, 120), new Color(60, 110, 60)};
    for (int layer = 0; layer < 2; layer++) {
      double[] ridge = ridge(w, r, h * (0.35 + 0.15 * layer), h * 0.2);
      Path2D p = new Path2D.Double();
      p.moveTo(0, h);
      for (int x = 0; x < w; x++) {
        p.lineTo(x, ridge[x]);
      }
      p.lineTo(w, h);
      p.closePath();
      g.setColor(hills[layer]);
      g.fill(p);
    }
    g.dispose();
    return img;
  }

  private static double[] ridge(int w, Random r, double base, double rough) {
    int n = Integer.highestOneBit(w - 1) * 2;
    double[] pts = new double[n + 1];
    pts[0] = base + (r.nextDouble() - 0.5) * rough;
    pts[n] = base + (r.nextDouble() - 0.5) * rough;
    for (int step = n; step > 1; step /= 2) {
      for (int i = step / 2; i < n; i += step) {
        pts[i] = (pts[i - step / 2] + pts[i + step / 2]) / 2
            + (r.nextDouble() - 0.5) * rough * step / n;
      }
    }
    double[] out = new double[w];
    for (int x = 0; x < w; x++) {
      out[x] = pts[(int) ((long) x * n / w)];
    }
    return out;
  }

  /** A page: a title, paragraphs of text, a ruled table. */
  private static BufferedImage document(int w, int h, int seed) {
    BufferedImage img = fill(w, h, new Color(250, 250, 245));
    Graphics2D g = paint(img);
    g.setColor(new Color(30, 30, 30));
    Random r = new Random(seed);
    int y = 60;
    try {
      g.setFont(new Font(seed % 2 == 0 ? Font.SERIF : Font.SANS_SERIF, Font.BOLD, 22));
      g.drawString("Quarterly report " + (2020 + seed), 40, y);
      g.setFont(new Font(seed % 2 == 0 ? Font.SERIF : Font.SANS_SERIF, Font.PLAIN, 13));
      y += 40;
      for (int line = 0; line < 14 && y < h / 2; line++, y += 20) {
        g.drawString(words(r, 12), 40, y);
      }
    } catch (Throwable noFonts) { // a machine without fonts: word-shaped blocks instead
      for (int line = 0; line < 14 && y < h / 2; line++, y += 20) {
        for (int x = 40; x < w - 80; x += 20 + r.nextInt(50)) {
          g.fillRect(x, y - 9, 10 + r.nextInt(40), 9);
        }
      }
    }
    g.setStroke(new BasicStroke(1));
    int rows = 6;
    int cols = 4;
    int top = y + 20;
    int cw = (w - 80) / cols;
    for (int i = 0; i <= rows; i++) {
      g.drawLine(40, top + i * 24, 40 + cols * cw, top + i * 24);
    }
    for (int j = 0; j <= cols; j++) {
      g.drawLine(40 + j * cw, top, 40 + j * cw, top + rows * 24);
    }
    g.dispose();
    return img;
  }

  private static String words(Random r, int n) {
    String[] vocab = {"the", "access", "door", "badge", "report", "system", "entry", "night",
        "camera", "log", "north", "gate", "resident", "audit", "total", "and", "of", "was"};
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < n; i++) {
      sb.append(i == 0 ? "" : " ").append(vocab[r.nextInt(vocab.length)]);
    }
    return sb.toString();
  }

  private static BufferedImage shapes(int w, int h, int seed) {
    BufferedImage img = fill(w, h, new Color(200, 200, 200));
    Graphics2D g = paint(img);
    Random r = new Random(seed);
    for (int i = 0; i < 40; i++) {
      g.setColor(new Color(r.nextInt(256), r.nextInt(256), r.nextInt(256)));
      int x = r.nextInt(w);
      int y = r.nextInt(h);
      int s = 10 + r.nextInt(w / 5);
      switch (r.nextInt(3)) {
        case 0 -> g.fill(new Ellipse2D.Double(x, y, s, s * (0.5 + r.nextDouble())));
        case 1 -> g.fillRect(x, y, s, s / 2 + r.nextInt(s));
        default -> {
          g.setStroke(new BasicStroke(1 + r.nextInt(6)));
          g.drawLine(x, y, r.nextInt(w), r.nextInt(h));
        }
      }
    }
    g.dispose();
    return img;
  }

  private static BufferedImage checkerboard(int w, int h, int cell) {
    BufferedImage img = canvas(w, h);
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) {
        img.setRGB(x, y, ((x / cell + y / cell) % 2 == 0) ? 0xffffff : 0x202020);
      }
    }
    return img;
  }

  private static BufferedImage stripes(int w, int h, int degrees) {
    BufferedImage img = canvas(w, h);
    double a = Math.toRadians(degrees);
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) {
        double t = x * Math.cos(a) + y * Math.sin(a);
        img.setRGB(x, y, ((int) Math.floor(t / 12) % 2 == 0) ? 0xe0e0e0 : 0x303050);
      }
    }
    return img;
  }

  private static BufferedImage rings(int w, int h) {
    BufferedImage img = canvas(w, h);
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) {
        double d = Math.hypot(x - w / 2.0, y - h / 2.0);
        int v = (int) (127.5 + 127.5 * Math.cos(d / 6));
        img.setRGB(x, y, new Color(v, v, v).getRGB());
      }
    }
    return img;
  }

  private static BufferedImage dots(int w, int h) {
    BufferedImage img = fill(w, h, Color.WHITE);
    Graphics2D g = paint(img);
    g.setColor(Color.BLACK);
    for (int y = 10; y < h; y += 28) {
      for (int x = 10; x < w; x += 28) {
        g.fill(new Ellipse2D.Double(x, y, 9, 9));
      }
    }
    g.dispose();
    return img;
  }

  /** Writes every image as {@code <name>.png} into the folder given (created when missing). */
  public static void main(String[] args) throws IOException {
    Path dir = Paths.get(args.length > 0 ? args[0] : "target/no-face/generated");
    Files.createDirectories(dir);
    for (Made m : all()) {
      Files.write(dir.resolve(m.name() + ".png"), m.png());
    }
    System.out.println(all().size() + " images in " + dir.toAbsolutePath());
  }
}
