package org.facerec.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Bad arguments exit non-zero with one clear line; --verbose adds the stack trace. */
class CliTest extends SparkTest {
  @TempDir
  Path dir;

  @Test
  void helpListsTheJobs() {
    Result r = ok("--help");
    assertThat(r.out()).contains("enroll", "verify", "identify", "embed", "evaluate",
        "calibrate", "train");
    assertThat(ok("train", "--help").out()).contains("--images", "--table", "--epochs",
        "--batch", "--seed", "facerec.adapters.dir");
    assertThat(ok("verify", "--help").out()).contains("--events", "--table", "--out");
  }

  @Test
  void usageErrorsExitTwo() {
    Result missing = facerec("verify", "--table", "t");
    assertThat(missing.exitCode()).isEqualTo(2);
    assertThat(missing.err()).contains("Missing required options");
    assertThat(facerec("frobnicate").exitCode()).isEqualTo(2);
    Result both = facerec("identify", "--images", "a", "--log", "b", "--table", "t", "--out", "o");
    assertThat(both.exitCode()).isEqualTo(2);
    Result noPairs = facerec("evaluate", "--images", "i", "--out", "o");
    assertThat(noPairs.exitCode()).isEqualTo(2);
    assertThat(noPairs.err()).contains("give --pairs PAIRS or --identification");
    assertThat(facerec("evaluate", "--pairs", "p", "--identification", "--images", "i", "--out",
        "o").exitCode()).isEqualTo(2);
    assertThat(facerec("evaluate", "--pairs", "p", "--strangers", "0.1", "--images", "i",
        "--out", "o").exitCode()).isEqualTo(2);
    Result noSource = facerec("calibrate", "--far", "1e-3", "--pairs", "p");
    assertThat(noSource.exitCode()).isEqualTo(2);
    assertThat(noSource.err()).contains("give --pairs PAIRS with --images ROOT, or --distances");
    Result headOnDistances = facerec("calibrate", "--far", "1e-3", "--head", "logistic",
        "--distances", "pairs.csv");
    assertThat(headOnDistances.exitCode()).isEqualTo(2);
    assertThat(headOnDistances.err()).contains("--head fits on encodings");
    Result badHead = facerec("calibrate", "--far", "1e-3", "--head", "svm", "--pairs", "p",
        "--images", "i");
    assertThat(badHead.exitCode()).isEqualTo(2);
    assertThat(badHead.err()).contains("--head must be logistic or chi2, not 'svm'");
    assertThat(facerec("train", "--out", "o").exitCode()).isEqualTo(2);
    assertThat(facerec("train", "--images", "i", "--table", "t").exitCode()).isEqualTo(2);
    Result badBatch = facerec("train", "--images", "i", "--batch", "16");
    assertThat(badBatch.exitCode()).isEqualTo(2);
    assertThat(badBatch.err()).contains("--batch expects PxK, e.g. 16x4, not '16'");
  }

  @Test
  void jobsThatCannotRunExitOneWithOneLine() throws java.io.IOException {
    Result noTable = facerec("identify", "--images", dir.toString(), "--table",
        dir.resolve("nope").toString(), "--out", dir.resolve("o").toString());
    assertThat(noTable.exitCode()).isEqualTo(1);
    assertThat(noTable.err().strip()).isEqualTo("facerec identify: residents table "
        + dir.resolve("nope") + " does not exist (run facerec enroll)");

    Result badModel = facerec("embed", "--out", dir.resolve("e.csv").toString(), "--model",
        "facenet", dir.toString());
    assertThat(badModel.exitCode()).isEqualTo(1);
    assertThat(badModel.err()).contains("unknown model id 'facenet'")
        .contains("dlib-resnet-v1, openface-nn4small2-v1");
    assertThat(badModel.err().lines().count()).isEqualTo(1);

    Result badConf = facerec("embed", "--out", dir.resolve("e.csv").toString(), "--conf",
        dir.resolve("missing.conf").toString(), dir.toString());
    assertThat(badConf.exitCode()).isEqualTo(1);
    assertThat(badConf.err()).contains("conf file").contains("does not exist");

    java.nio.file.Files.writeString(dir.resolve("broken.conf"), "facerec.model = \\u00zz\n");
    Result unreadable = facerec("embed", "--out", dir.resolve("e.csv").toString(), "--conf",
        dir.resolve("broken.conf").toString(), dir.toString());
    assertThat(unreadable.exitCode()).isEqualTo(1);
    assertThat(unreadable.err().strip()).startsWith("facerec embed: cannot read conf file ")
        .contains("broken.conf").doesNotContain("\n");

    Result badSetting = facerec("embed", "--out", dir.resolve("e.csv").toString(), "--set",
        "facerec.encryption.enabled=maybe", dir.toString());
    assertThat(badSetting.exitCode()).isEqualTo(1);
    assertThat(badSetting.err().strip()).isEqualTo("facerec embed: setting "
        + "facerec.encryption.enabled must be true or false, not 'maybe'");

    Result noHead = facerec("verify", "--events", dir.resolve("e.csv").toString(), "--table",
        dir.resolve("t").toString(), "--out", dir.resolve("o").toString(), "--set",
        "facerec.decide-by=head");
    assertThat(noHead.exitCode()).isEqualTo(1);
    assertThat(noHead.err().strip()).isEqualTo("facerec verify: facerec.decide-by is head, but "
        + "no head is set for model dlib-resnet-v1 (facerec.head.dlib-resnet-v1.*): fit one "
        + "with facerec calibrate --head logistic|chi2 --write FILE");

    Result noTableToErase = facerec("erase", "--resident", "kian", "--table",
        dir.resolve("nope").toString());
    assertThat(noTableToErase.exitCode()).isEqualTo(1);
    assertThat(noTableToErase.err().strip()).isEqualTo("facerec erase: residents table "
        + dir.resolve("nope") + " does not exist");

    Result badFraming = facerec("embed", "--out", dir.resolve("e.csv").toString(), "--framing",
        "zoom:2", dir.toString());
    assertThat(badFraming.exitCode()).isEqualTo(1);
    assertThat(badFraming.err()).contains("bad framing 'zoom:2'");

    Result noEvents = facerec("verify", "--events", dir.resolve("none.csv").toString(),
        "--table", dir.toString(), "--out", dir.resolve("o").toString());
    assertThat(noEvents.exitCode()).isEqualTo(1);
    assertThat(noEvents.err()).doesNotContain("\tat ");
  }

  @Test
  void verboseAddsTheStackTrace() {
    Result r = facerec("identify", "--images", dir.toString(), "--table",
        dir.resolve("nope").toString(), "--out", dir.resolve("o").toString(), "--verbose");
    assertThat(r.exitCode()).isEqualTo(1);
    assertThat(r.err()).contains("\tat org.facerec.");
  }
}
