package org.facerec.config;

/**
 * Parquet modular encryption of the biometric columns ({@code facerec.encryption.*}): the KMS
 * client class and its instance, the master key ids of the footers and of the protected columns,
 * whether {@code image_path} is protected too, and whether footers stay readable without keys.
 * Off, the other fields are not used.
 */
public record EncryptionConfig(boolean enabled, String kmsClient, String kmsInstanceId,
    String kmsInstanceUrl, String footerKey, String columnKey, boolean imagePath,
    boolean plaintextFooter) {

  /** No encryption. */
  public static final EncryptionConfig OFF = new EncryptionConfig(false, null, null, null, null,
      null, false, false);

  public EncryptionConfig {
    if (enabled && (footerKey == null || columnKey == null)) {
      throw new IllegalArgumentException("encryption needs " + Settings.ENCRYPTION_FOOTER_KEY
          + " and " + Settings.ENCRYPTION_COLUMN_KEY + " (master key ids in the KMS)");
    }
  }

  static EncryptionConfig of(Settings s) {
    boolean enabled = s.getBoolean(Settings.ENCRYPTION);
    if (!enabled) {
      return OFF;
    }
    return new EncryptionConfig(true, s.get(Settings.ENCRYPTION_KMS_CLIENT),
        s.get(Settings.ENCRYPTION_KMS_INSTANCE_ID, null),
        s.get(Settings.ENCRYPTION_KMS_INSTANCE_URL, null),
        s.get(Settings.ENCRYPTION_FOOTER_KEY, null), s.get(Settings.ENCRYPTION_COLUMN_KEY, null),
        s.getBoolean(Settings.ENCRYPTION_IMAGE_PATH),
        s.getBoolean(Settings.ENCRYPTION_PLAINTEXT_FOOTER));
  }
}
