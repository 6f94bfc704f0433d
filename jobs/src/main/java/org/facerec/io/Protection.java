package org.facerec.io;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.MapType;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.facerec.config.EncryptionConfig;

/**
 * Protection of the biometric columns at rest: Parquet modular encryption (parquet-mr's
 * properties-driven crypto factory and a KMS client) of {@code embedding}, and of
 * {@code image_path} when asked, in every table the jobs write, as {@code facerec.encryption.*}
 * says. Keys never pass through here: the KMS client wraps and unwraps the files' data keys with
 * master keys it holds. The options go with each read and write of a folder table, not into the
 * session, so that one run's choice does not leak into the next; Delta's reader and writer take no
 * such options, so for Delta tables they are set in the session for the run's reads (until
 * {@link Tables#close}) and for each write ({@link #deltaWriteConf}), then taken out again.
 */
public final class Protection {
  public static final String CRYPTO_FACTORY =
      "org.apache.parquet.crypto.keytools.PropertiesDrivenCryptoFactory";
  static final String EMBEDDING = "embedding";

  private final boolean enabled;
  private final Map<String, String> readOptions = new LinkedHashMap<>();
  private final String footerKey;
  private final String columnKey;
  private final boolean plaintextFooter;
  private final List<String> columns = new ArrayList<>();

  public Protection(EncryptionConfig c) {
    enabled = c.enabled();
    footerKey = c.footerKey();
    columnKey = c.columnKey();
    plaintextFooter = enabled && c.plaintextFooter();
    if (enabled) {
      readOptions.put("parquet.crypto.factory.class", CRYPTO_FACTORY);
      readOptions.put("parquet.encryption.kms.client.class", c.kmsClient());
      if (c.kmsInstanceId() != null) {
        readOptions.put("parquet.encryption.kms.instance.id", c.kmsInstanceId());
      }
      if (c.kmsInstanceUrl() != null) {
        readOptions.put("parquet.encryption.kms.instance.url", c.kmsInstanceUrl());
      }
      columns.add(EMBEDDING);
      if (c.imagePath()) {
        columns.add(Inputs.IMAGE_PATH);
      }
    }
  }

  public boolean enabled() {
    return enabled;
  }

  /** The columns encrypted in every table that has them. */
  public List<String> columns() {
    return List.copyOf(columns);
  }

  /** Options for reading tables (decryption through the KMS); empty when protection is off. */
  public Map<String, String> readOptions() {
    return Map.copyOf(readOptions);
  }

  /**
   * Options for writing a table of {@code schema}: its protected columns encrypted with the
   * column key, its footer with the footer key. A table holding none of them is written plain.
   */
  public Map<String, String> writeOptions(StructType schema) {
    List<String> leaves = new ArrayList<>();
    for (String c : columns) {
      if (Arrays.asList(schema.fieldNames()).contains(c)) {
        leaves.addAll(parquetLeaves(schema.apply(c).dataType(), c));
      }
    }
    if (leaves.isEmpty()) {
      return Map.of();
    }
    Map<String, String> o = new LinkedHashMap<>(readOptions);
    o.put("parquet.encryption.footer.key", footerKey);
    o.put("parquet.encryption.column.keys", columnKey + ":" + String.join(",", leaves));
    o.put("parquet.encryption.plaintext.footer", Boolean.toString(plaintextFooter));
    return o;
  }

  /**
   * {@link #readOptions} as session settings, for reading Delta tables (Delta passes no data
   * source options to its Parquet reader, but the session's settings reach it).
   */
  public Map<String, String> deltaReadConf() {
    return deltaConf(readOptions);
  }

  /** {@link #writeOptions} as session settings, for writing a Delta table of {@code schema}. */
  public Map<String, String> deltaWriteConf(StructType schema) {
    return deltaConf(writeOptions(schema));
  }

  private static Map<String, String> deltaConf(Map<String, String> options) {
    Map<String, String> o = new LinkedHashMap<>(options);
    if (o.containsKey("parquet.crypto.factory.class")) {
      o.put("parquet.crypto.factory.class", ProtectedColumnsCrypto.class.getName());
    }
    return o;
  }

  /**
   * A table's CSV copy for people, without the protected columns: a CSV cannot be encrypted,
   * and the Parquet table keeps them.
   */
  public Dataset<Row> redact(Dataset<Row> csvRows) {
    Dataset<Row> out = csvRows;
    for (String c : columns) {
      out = out.drop(c);
    }
    return out;
  }

  /**
   * The Parquet column paths under a top-level column, as Spark writes them (encryption is
   * configured per leaf: an array of floats is {@code embedding.list.element}).
   */
  static List<String> parquetLeaves(DataType type, String path) {
    List<String> out = new ArrayList<>();
    if (type instanceof ArrayType a) {
      out.addAll(parquetLeaves(a.elementType(), path + ".list.element"));
    } else if (type instanceof MapType m) {
      out.addAll(parquetLeaves(m.keyType(), path + ".key_value.key"));
      out.addAll(parquetLeaves(m.valueType(), path + ".key_value.value"));
    } else if (type instanceof StructType st) {
      for (StructField f : st.fields()) {
        out.addAll(parquetLeaves(f.dataType(), path + "." + f.name()));
      }
    } else {
      out.add(path);
    }
    return out;
  }
}
