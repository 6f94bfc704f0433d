package org.facerec.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.facerec.LfwDev;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PairsFileTest {
  private static final Pattern LFW_PATH = Pattern.compile("([^/]+)/\\1_(\\d{4})\\.jpg");

  @TempDir
  Path tmp;

  @Test
  void readsTheLfwDevCsv() {
    List<Pair> pairs = LfwDev.pairs();
    assertThat(pairs).hasSize(3000);
    assertThat(pairs.stream().filter(Pair::same)).hasSize(1500);
    assertThat(pairs.stream().mapToInt(Pair::fold).distinct().sorted().toArray())
        .containsExactly(1, 2, 3, 4, 5);
    assertThat(pairs.get(0)).isEqualTo(new Pair(1, "Abel_Pacheco/Abel_Pacheco_0001.jpg",
        "Abel_Pacheco/Abel_Pacheco_0004.jpg", true));
    assertThat(PairsFile.distinctPaths(pairs)).hasSize(3811);
  }

  @Test
  void pairsTxtAndCsvOfTheSameSubsetGiveTheSamePairs() throws IOException {
    // LFW's layout: per fold, its same pairs, then its different pairs; tab-separated
    int folds = 3;
    int perFold = 7;
    List<Pair> subset = LfwDev.pairs(folds, perFold);
    List<String> txt = new ArrayList<>(List.of(folds + "\t" + perFold));
    List<String> csv = new ArrayList<>(List.of("fold,path1,path2,same"));
    for (Pair p : subset) {
      Matcher a = lfw(p.path1());
      Matcher b = lfw(p.path2());
      txt.add(p.same()
          ? a.group(1) + "\t" + Integer.parseInt(a.group(2)) + "\t" + Integer.parseInt(b.group(2))
          : a.group(1) + "\t" + Integer.parseInt(a.group(2)) + "\t" + b.group(1) + "\t"
              + Integer.parseInt(b.group(2)));
      csv.add(p.fold() + "," + p.path1() + "," + p.path2() + "," + (p.same() ? 1 : 0));
    }
    Path txtFile = Files.write(tmp.resolve("pairs.txt"), txt);
    Path csvFile = Files.write(tmp.resolve("pairs.csv"), csv);

    List<Pair> fromTxt = PairsFile.read(txtFile);
    assertThat(fromTxt).hasSize(2 * folds * perFold).isEqualTo(PairsFile.read(csvFile))
        .isEqualTo(subset);
  }

  @Test
  void aSingleCountIsOneFold() {
    List<Pair> pairs = PairsFile.parse("pairsDevTrain.txt", List.of("1", "Al_Gore 1 3",
        "Ann_Veneman 2 Tony_Blair 10", ""));
    assertThat(pairs).containsExactly(
        new Pair(1, "Al_Gore/Al_Gore_0001.jpg", "Al_Gore/Al_Gore_0003.jpg", true),
        new Pair(1, "Ann_Veneman/Ann_Veneman_0002.jpg", "Tony_Blair/Tony_Blair_0010.jpg", false));
  }

  @Test
  void csvAcceptsTrueFalseSpacesAndABom() {
    List<Pair> pairs = PairsFile.parse("p.csv", List.of("\uFEFFfold, path1, path2, same",
        "2, a/x.jpg , b/y.png,TRUE", "2,a/x.jpg,c/z.jpg,false", ""));
    assertThat(pairs).containsExactly(new Pair(2, "a/x.jpg", "b/y.png", true),
        new Pair(2, "a/x.jpg", "c/z.jpg", false));
  }

  @Test
  void malformedLinesFailWithTheirLineNumber() {
    assertThatThrownBy(() -> PairsFile.parse("p.csv", List.of("fold,a,b,same", "1,x,y,1")))
        .hasMessage("p.csv:1: expected the header 'fold,path1,path2,same', got 'fold,a,b,same'");
    assertThatThrownBy(() -> PairsFile.parse("p.csv",
        List.of("fold,path1,path2,same", "1,x,y,1", "1,x,y")))
        .hasMessage("p.csv:3: expected 4 fields fold,path1,path2,same, got 3");
    assertThatThrownBy(() -> PairsFile.parse("p.csv",
        List.of("fold,path1,path2,same", "1,x,y,yes")))
        .hasMessage("p.csv:2: same must be 1, 0, true or false, got 'yes'");
    assertThatThrownBy(() -> PairsFile.parse("p.csv",
        List.of("fold,path1,path2,same", "0,x,y,1")))
        .hasMessage("p.csv:2: fold must be a positive integer, got '0'");
    assertThatThrownBy(() -> PairsFile.parse("p.csv", List.of("fold,path1,path2,same", "1,,y,1")))
        .hasMessage("p.csv:2: path1 is empty");
    assertThatThrownBy(() -> PairsFile.parse("p.csv", List.of("fold,path1,path2,same")))
        .hasMessage("p.csv: no pairs after the header");

    assertThatThrownBy(() -> PairsFile.parse("pairs.txt", List.of("2 1", "A 1 2", "B 1 C 2",
        "D 1 E 2")))
        .hasMessage("pairs.txt:4: expected a same-person line 'name i j' (pair 1 of fold 2), "
            + "got 4 fields");
    assertThatThrownBy(() -> PairsFile.parse("pairs.txt", List.of("1 2", "A 1 2", "A 1 x")))
        .hasMessage("pairs.txt:3: j must be a positive integer, got 'x'");
    assertThatThrownBy(() -> PairsFile.parse("pairs.txt", List.of("1 1", "A 1 2")))
        .hasMessage("pairs.txt:3: file ends early: expected a different-person line "
            + "'name1 i name2 j' (pair 2 of fold 1)");
    assertThatThrownBy(() -> PairsFile.parse("pairs.txt", List.of("1 1", "A 1 2", "B 1 C 2",
        "D 1 2")))
        .hasMessage("pairs.txt:4: more lines than the first line announces (1 folds of 1 same "
            + "and 1 different pairs)");
    assertThatThrownBy(() -> PairsFile.parse("pairs.txt", List.of("10 300 7")))
        .hasMessage("pairs.txt:1: expected a first line 'folds pairsPerFold' or a single count, "
            + "got '10 300 7'");
    assertThatThrownBy(() -> PairsFile.parse("empty.txt", List.of("", " ")))
        .hasMessage("empty.txt: no pairs (the file is empty)");
  }

  private static Matcher lfw(String path) {
    Matcher m = LFW_PATH.matcher(path);
    assertThat(m.matches()).as(path).isTrue();
    return m;
  }
}
