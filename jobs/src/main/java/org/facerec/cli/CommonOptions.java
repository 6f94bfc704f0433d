package org.facerec.cli;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.core.config.Configurator;
import org.apache.spark.sql.SparkSession;
import org.facerec.config.ModelConfig;
import org.facerec.config.RunConfig;
import org.facerec.config.Settings;
import org.facerec.jobs.Run;
import org.facerec.jobs.Sessions;
import org.facerec.jobs.Summary;
import org.facerec.model.Torch;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * Options every job takes (settings, Spark settings, model, threshold, faces, verbosity), and how
 * a command runs its job: in a session, with the settings of every source and the command's
 * options last, checked once ({@link RunConfig}) before the job starts.
 */
public final class CommonOptions {
  @Option(names = "--conf", paramLabel = "FILE",
      description = "Settings file (overrides conf/facerec.conf).")
  Path conf;

  @Option(names = "--set", paramLabel = "KEY=VALUE",
      description = "One setting, e.g. --set facerec.batch-size=64 (repeatable).")
  List<String> set = new ArrayList<>();

  @Option(names = "--spark", paramLabel = "KEY=VALUE",
      description = "A Spark setting for the embedded local session (repeatable), e.g. "
          + "spark.master=spark://HOST:7077 to run on a standalone cluster; under spark-submit "
          + "use its own --conf.")
  List<String> spark = new ArrayList<>();

  @Option(names = "--model", paramLabel = "ID",
      description = "Encoder: dlib-resnet-v1 (default) or openface-nn4small2-v1.")
  String model;

  @Option(names = "--threshold", paramLabel = "D",
      description = "Decision threshold on the L2 distance (default: the model's setting).")
  Double threshold;

  @Option(names = "--framing", paramLabel = "SPEC",
      description = "resize | crop:L,T,R,B | pad:S (how a whole image becomes the input).")
  String framing;

  @Option(names = "--align", paramLabel = "none|crop|landmarks",
      description = "Face detection and alignment: landmarks (detect, 68 landmarks, the "
          + "encoder's own alignment), crop (the detection box) or none (the whole image, "
          + "framed by --framing).")
  String align;

  @Option(names = "--detector", paramLabel = "hog|ssd|tiny",
      description = "Face detector: hog (dlib's, the default), ssd or tiny (face-api.js's).")
  String detector;

  @Option(names = "--batch-size", paramLabel = "N", description = "Images per forward pass.")
  Integer batchSize;

  @Option(names = {"-v", "--verbose"},
      description = "Log lines besides the progress bar and the summary (facerec's INFO, "
          + "libtorch's and Spark's warnings), and stack traces on errors.")
  boolean verbose;

  @Spec(Spec.Target.MIXEE)
  CommandSpec command;

  /** A usage error of the command (exit code 2): {@code message} and the usage. */
  ParameterException usage(String message) {
    return new ParameterException(command.commandLine(), message);
  }

  /** Runs {@code job} in a session: the cluster's, an active one, or an embedded local one. */
  int run(JobBody job) throws Exception {
    return run(Map.of(), job);
  }

  /** {@link #run(JobBody)} with the command's own options as settings ({@code overrides}). */
  int run(Map<String, String> overrides, JobBody job) throws Exception {
    return print(overrides, run -> job.run(run).render());
  }

  /** Runs {@code body} like {@link #run} and prints the text it returns. */
  int print(Map<String, String> overrides, TextBody body) throws Exception {
    if (verbose) {
      verbose();
    }
    boolean own = SparkSession.getDefaultSession().isEmpty() && !Sessions.underSparkSubmit();
    SparkSession session = Sessions.get(sparkOverrides());
    try (Run run = new Run(session, config(session, overrides))) {
      command.commandLine().getOut().print(body.run(run));
      command.commandLine().getOut().flush();
      return 0;
    } finally {
      if (own) {
        session.stop();
      }
    }
  }

  /** Turns back on what conf/log4j2.properties and {@link Torch} keep off by default. */
  private static void verbose() {
    Configurator.setLevel("org.facerec", Level.INFO);
    Configurator.setLevel("org.apache.spark.storage.BlockManager", Level.WARN);
    Configurator.setLevel("org.apache.spark.sql.catalyst.util.SparkStringUtils", Level.WARN);
    if (System.getProperty(Torch.LOG_LEVEL_PROPERTY) == null) {
      System.setProperty(Torch.LOG_LEVEL_PROPERTY, "WARNING");
    }
  }

  private Map<String, String> sparkOverrides() {
    Map<String, String> m = new LinkedHashMap<>();
    for (String kv : spark) {
      int eq = kv.indexOf('=');
      if (eq <= 0) {
        throw new IllegalArgumentException("--spark expects key=value, got '" + kv + "'");
      }
      m.put(kv.substring(0, eq).trim(), kv.substring(eq + 1).trim());
    }
    return m;
  }

  /** The run's settings from every source, command options last, typed and checked once. */
  private RunConfig config(SparkSession session, Map<String, String> overrides)
      throws IOException {
    Settings s = Settings.load(Settings.sessionConf(session), conf, set);
    for (Map.Entry<String, String> o : overrides.entrySet()) {
      s = s.with(o.getKey(), o.getValue());
    }
    if (model != null) {
      s = s.with(Settings.MODEL, model);
    }
    if (threshold != null) {
      s = s.with(ModelConfig.thresholdKey(s.get(Settings.MODEL)), Double.toString(threshold));
    }
    if (framing != null) {
      s = s.with(Settings.FRAMING, framing);
    }
    if (batchSize != null) {
      s = s.with(Settings.BATCH_SIZE, Integer.toString(batchSize));
    }
    if (align != null) {
      s = s.with(Settings.ALIGN, align);
    }
    if (detector != null) {
      s = s.with(Settings.DETECTOR, detector);
    }
    return RunConfig.of(s);
  }

  /** A job to run in a session. */
  interface JobBody {
    Summary run(Run run) throws Exception;
  }

  /** Work in a session whose outcome is text to print. */
  interface TextBody {
    String run(Run run) throws Exception;
  }
}
