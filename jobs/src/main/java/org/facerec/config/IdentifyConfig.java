package org.facerec.config;

/**
 * identify's search: residents reported per image ({@code facerec.identify.top-k}), and how the
 * residents meet the probes ({@code org.facerec.stage.Matching}, which verify's rank rule uses
 * too): broadcast up to {@code broadcast-max-rows} encodings, else a blocked join of
 * {@code block-rows} blocks.
 */
public record IdentifyConfig(int topK, long broadcastMaxRows, int blockRows) {

  static IdentifyConfig of(Settings s) {
    int k = s.getInt(Settings.TOP_K);
    if (k < 1) {
      throw new IllegalArgumentException("setting " + Settings.TOP_K + " must be at least 1, not "
          + k);
    }
    return new IdentifyConfig(k, s.getLong(Settings.BROADCAST_MAX_ROWS),
        s.getInt(Settings.BLOCK_ROWS));
  }
}
