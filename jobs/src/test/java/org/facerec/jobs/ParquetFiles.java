package org.facerec.jobs;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.parquet.column.statistics.Statistics;
import org.apache.parquet.example.data.Group;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.hadoop.ParquetReader;
import org.apache.parquet.hadoop.example.GroupReadSupport;
import org.apache.parquet.hadoop.metadata.BlockMetaData;
import org.apache.parquet.hadoop.metadata.ColumnChunkMetaData;
import org.apache.parquet.hadoop.util.HadoopInputFile;

/** What raw files hold, read without Spark: every value and statistic of a Parquet file. */
final class ParquetFiles {
  private ParquetFiles() {}

  /** Every file under {@code root}, hidden ones and checksums included. */
  static List<Path> all(Path root) throws IOException {
    try (var s = Files.walk(root)) {
      return s.filter(Files::isRegularFile).sorted().toList();
    }
  }

  static boolean isParquet(Path f) throws IOException {
    try (InputStream in = Files.newInputStream(f)) {
      return Arrays.equals(in.readNBytes(4), "PAR1".getBytes(StandardCharsets.US_ASCII));
    }
  }

  /**
   * A file's content as text: its bytes as Latin-1 and, for a Parquet file, every decoded value
   * of every row (parquet-mr's example reader, no Spark), the column statistics and the footer's
   * key-value metadata; dictionary encoding and compression hide nothing from it.
   */
  static String text(Path f) throws IOException {
    StringBuilder sb = new StringBuilder(new String(Files.readAllBytes(f),
        StandardCharsets.ISO_8859_1)).append('\n');
    if (!isParquet(f)) {
      return sb.toString();
    }
    Configuration conf = new Configuration();
    org.apache.hadoop.fs.Path p = new org.apache.hadoop.fs.Path(f.toUri());
    try (ParquetFileReader r = ParquetFileReader.open(HadoopInputFile.fromPath(p, conf))) {
      sb.append(r.getFooter().getFileMetaData().getKeyValueMetaData()).append('\n');
      for (BlockMetaData b : r.getFooter().getBlocks()) {
        for (ColumnChunkMetaData c : b.getColumns()) {
          Statistics<?> st = c.getStatistics();
          if (st != null && st.hasNonNullValue()) {
            sb.append(st.minAsString()).append('\n').append(st.maxAsString()).append('\n');
          }
        }
      }
    }
    try (ParquetReader<Group> reader = ParquetReader.builder(new GroupReadSupport(), p)
        .withConf(conf).build()) {
      for (Group g = reader.read(); g != null; g = reader.read()) {
        sb.append(g).append('\n');
      }
    }
    return sb.toString();
  }
}
