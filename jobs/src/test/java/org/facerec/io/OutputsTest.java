package org.facerec.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.spark.api.java.function.MapFunction;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.facerec.config.CommitMode;
import org.facerec.jobs.SparkTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The commit protocols on the states a failed or killed run can leave: the previous output stays
 * readable and whole, nothing half-written is ever read, and the next run cleans up.
 */
class OutputsTest extends SparkTest {
  static final StructType SCHEMA = new StructType().add("id", DataTypes.StringType);
  @TempDir
  Path dir;

  static Dataset<Row> rows(String... ids) {
    return spark.createDataFrame(Arrays.stream(ids).map(i -> RowFactory.create(i)).toList(),
        SCHEMA);
  }

  static List<String> read(Path table) throws IOException {
    return Tables.read(spark, table.toString(), Map.of()).orderBy("id").as(Encoders.STRING())
        .collectAsList();
  }

  /** Everything in {@code dir}, hidden names included. */
  static List<String> names(Path dir) throws IOException {
    try (var s = Files.list(dir)) {
      return s.map(p -> p.getFileName().toString()).filter(n -> !n.endsWith(".crc")).sorted()
          .toList();
    }
  }

  @ParameterizedTest
  @EnumSource(value = CommitMode.class, names = {"RENAME", "POINTER"})
  void aWriteThatFailsMidwayLeavesThePreviousTable(CommitMode commit) throws IOException {
    Path t = dir.resolve("t");
    Outputs.writeTable(rows("a", "b"), t.toString(), Map.of(), commit);
    // four tasks write their files; one of them fails at its 77th row
    Dataset<Row> failing = spark.range(0, 100, 1, 4).map((MapFunction<Long, Row>) i -> {
      if (i == 77) {
        throw new IllegalStateException("boom at row 77");
      }
      return RowFactory.create("x" + i);
    }, Encoders.row(SCHEMA));
    assertThatThrownBy(() -> Outputs.writeTable(failing, t.toString(), Map.of(), commit))
        .isInstanceOf(IOException.class)
        .hasMessageStartingWith("could not write " + t + ", the previous output is unchanged: ")
        .hasMessageContaining("boom at row 77");
    assertThat(read(t)).containsExactly("a", "b");
    assertThat(names(dir)).filteredOn(n -> !n.startsWith(".")).containsExactly("t");

    Outputs.writeTable(rows("c"), t.toString(), Map.of(), commit);
    assertThat(read(t)).containsExactly("c");
    assertThat(names(dir)).containsExactly("t"); // the failed run's staging is gone too
  }

  @Test
  void aSwapKilledBetweenItsRenamesIsReadFromTheOldCopyUntilTheNextWrite()
      throws IOException {
    Path t = dir.resolve("t");
    Outputs.writeTable(rows("a", "b"), t.toString(), Map.of(), CommitMode.RENAME);
    // the state a kill between "old out of the way" and "new in" leaves
    Path old = dir.resolve(".old-t-" + UUID.randomUUID());
    Files.move(t, old);
    Path staging = Files.createDirectories(dir.resolve(".staging-t-" + UUID.randomUUID()));
    Files.write(staging.resolve("part-00000.parquet"), new byte[] {1, 2, 3});

    assertThat(Tables.dataPath(spark, t.toString()).getName()).isEqualTo(old.getFileName()
        .toString());
    assertThat(read(t)).containsExactly("a", "b");

    Outputs.writeTable(rows("c"), t.toString(), Map.of(), CommitMode.RENAME);
    assertThat(read(t)).containsExactly("c");
    assertThat(names(dir)).containsExactly("t");
  }

  @Test
  void aPointerTableShowsOneWholeVersionAndDropsTheRest() throws IOException {
    Path t = dir.resolve("t");
    // a first write killed before its commit: no table yet, and the next write cleans up
    Path first = Files.createDirectories(t.resolve("_v-20200101T000000Z-" + UUID.randomUUID()));
    Files.write(first.resolve("part-00000.parquet"), new byte[] {1, 2, 3});
    assertThat(Tables.dataPath(spark, t.toString())).isNull();
    Outputs.writeTable(rows("a"), t.toString(), Map.of(), CommitMode.POINTER);
    assertThat(read(t)).containsExactly("a");
    assertThat(names(t)).hasSize(2).doesNotContain(first.getFileName().toString());
    Outputs.writeTable(rows("b", "c"), t.toString(), Map.of(), CommitMode.POINTER);
    assertThat(read(t)).containsExactly("b", "c");
    List<String> layout = names(t);
    assertThat(layout).hasSize(2).contains(Outputs.POINTER);
    String version = layout.stream().filter(n -> n.startsWith("_v-")).findFirst().orElseThrow();
    assertThat(Files.readString(t.resolve(Outputs.POINTER)).trim()).isEqualTo(version);

    // a run killed before its commit leaves a version no pointer names: never read, then removed
    Path crashed = Files.createDirectories(t.resolve("_v-20200101T000000Z-" + UUID.randomUUID()));
    Files.write(crashed.resolve("part-00000.parquet"), new byte[] {1, 2, 3});
    assertThat(read(t)).containsExactly("b", "c");
    // plain Parquet readers of the folder see only hidden names: they fail, never mix versions
    assertThatThrownBy(() -> spark.read().parquet(t.toString()).count())
        .hasMessageContaining("UNABLE_TO_INFER_SCHEMA");
    Outputs.writeTable(rows("d"), t.toString(), Map.of(), CommitMode.POINTER);
    assertThat(read(t)).containsExactly("d");
    assertThat(names(t)).hasSize(2).doesNotContain(crashed.getFileName().toString(), version);
  }

  @Test
  void aCsvIsReplacedWholeAndLeavesNothingBeside() throws IOException {
    Path csv = dir.resolve("out.csv");
    Outputs.writeCsv(rows("a", "b"), csv.toString());
    Outputs.writeCsv(rows("c"), csv.toString());
    assertThat(Files.readAllLines(csv)).containsExactly("id", "c");
    assertThat(names(dir)).containsExactly("out.csv");
  }

  @Test
  void aTextFileIsReplacedWholeAndLeavesNothingBeside() throws IOException {
    Path file = dir.resolve("report.html");
    Outputs.writeText(spark, file.toString(), "first");
    Outputs.writeText(spark, file.toString(), "second é");
    assertThat(Files.readString(file)).isEqualTo("second é");
    assertThat(names(dir)).containsExactly("report.html");
  }
}
