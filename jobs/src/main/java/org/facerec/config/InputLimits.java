package org.facerec.config;

import java.util.List;

/**
 * What the jobs read and the guards on it: the extensions picked up in folders
 * ({@code facerec.image.extensions}), the largest file and image ({@code max-bytes}, checked
 * before a file is read; {@code max-pixels}, from the header before any pixel is decoded), the
 * smallest image side that can hold a face ({@code min-side}), and the side photos are shrunk to
 * before detection ({@code max-side}).
 */
public record InputLimits(List<String> extensions, long maxBytes, long maxPixels, int minSide,
    int maxSide) {

  static InputLimits of(Settings s) {
    return new InputLimits(List.copyOf(s.getList(Settings.EXTENSIONS)),
        s.getLong(Settings.MAX_BYTES), s.getLong(Settings.MAX_PIXELS),
        s.getInt(Settings.MIN_SIDE), s.getInt(Settings.MAX_SIDE));
  }
}
