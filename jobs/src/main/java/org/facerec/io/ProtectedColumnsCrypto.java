package org.facerec.io;

import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.apache.parquet.crypto.DecryptionPropertiesFactory;
import org.apache.parquet.crypto.EncryptionPropertiesFactory;
import org.apache.parquet.crypto.FileDecryptionProperties;
import org.apache.parquet.crypto.FileEncryptionProperties;
import org.apache.parquet.crypto.keytools.PropertiesDrivenCryptoFactory;
import org.apache.parquet.hadoop.api.WriteSupport.WriteContext;
import org.apache.parquet.schema.MessageType;

/**
 * parquet-mr's properties-driven crypto factory, but a file without any of the columns to
 * encrypt is written plain: the settings of a Delta table's write reach every Parquet file the
 * session writes meanwhile, Delta's own checkpoints of its log included, whose schema has none of
 * the biometric columns (parquet-mr refuses to write a file whose encrypted columns it lacks).
 */
public final class ProtectedColumnsCrypto
    implements EncryptionPropertiesFactory, DecryptionPropertiesFactory {
  private final PropertiesDrivenCryptoFactory delegate = new PropertiesDrivenCryptoFactory();

  @Override
  public FileEncryptionProperties getFileEncryptionProperties(Configuration conf, Path file,
      WriteContext context) {
    String keys = conf.getTrimmed(PropertiesDrivenCryptoFactory.COLUMN_KEYS_PROPERTY_NAME);
    if (keys != null && !hasAny(context.getSchema(), keys)) {
      return null;
    }
    return delegate.getFileEncryptionProperties(conf, file, context);
  }

  @Override
  public FileDecryptionProperties getFileDecryptionProperties(Configuration conf, Path file) {
    return delegate.getFileDecryptionProperties(conf, file);
  }

  /** True when {@code schema} has one of the columns of {@code keys} ("key:a.b,c;key2:d"). */
  private static boolean hasAny(MessageType schema, String keys) {
    for (String perKey : keys.split(";")) {
      int colon = perKey.indexOf(':');
      for (String column : perKey.substring(colon + 1).split(",")) {
        if (!column.isBlank() && schema.containsPath(column.trim().split("\\."))) {
          return true;
        }
      }
    }
    return false;
  }
}
