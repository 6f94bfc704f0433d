package org.facerec.crypto;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.parquet.crypto.KeyAccessDeniedException;
import org.apache.parquet.crypto.keytools.KeyToolkit;
import org.apache.parquet.crypto.keytools.KmsClient;

/**
 * A KMS client whose master keys sit in the Hadoop configuration ({@code
 * parquet.encryption.key.list = id1:base64key1, id2:base64key2}), like parquet-mr's own test KMS.
 * For tests and demos only: keys kept beside the data protect nothing. In production, point
 * {@code facerec.encryption.kms-client} at a client of a real KMS (see the README).
 */
public final class InMemoryKms implements KmsClient {
  public static final String KEY_LIST = "parquet.encryption.key.list";

  private Map<String, byte[]> masterKeys = Map.of();

  @Override
  public void initialize(Configuration conf, String kmsInstanceId, String kmsInstanceUrl,
      String accessToken) {
    Map<String, byte[]> keys = new HashMap<>();
    for (String entry : conf.getTrimmedStrings(KEY_LIST)) {
      int colon = entry.indexOf(':');
      if (colon <= 0) {
        // never echo the entry: it holds a key
        throw new IllegalArgumentException(KEY_LIST + " entries must be id:base64key");
      }
      keys.put(entry.substring(0, colon).trim(),
          Base64.getDecoder().decode(entry.substring(colon + 1).trim()));
    }
    masterKeys = keys;
  }

  @Override
  public String wrapKey(byte[] key, String masterKeyId) throws KeyAccessDeniedException {
    return KeyToolkit.encryptKeyLocally(key, masterKey(masterKeyId), aad(masterKeyId));
  }

  @Override
  public byte[] unwrapKey(String wrappedKey, String masterKeyId) throws KeyAccessDeniedException {
    return KeyToolkit.decryptKeyLocally(wrappedKey, masterKey(masterKeyId), aad(masterKeyId));
  }

  private byte[] masterKey(String id) throws KeyAccessDeniedException {
    byte[] k = masterKeys.get(id);
    if (k == null) {
      throw new KeyAccessDeniedException("the KMS has no master key '" + id + "'");
    }
    return k;
  }

  private static byte[] aad(String id) {
    return id.getBytes(StandardCharsets.UTF_8);
  }
}
