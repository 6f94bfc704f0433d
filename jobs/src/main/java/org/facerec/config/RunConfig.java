package org.facerec.config;

/**
 * Every setting a run uses, typed: built once from the {@link Settings} (after the command's own
 * options), and so validated once, before any work: a bad value fails the command with one line
 * naming the setting, whatever the job. The records are read in this order.
 */
public record RunConfig(ModelConfig model, InputLimits inputs, FaceConfig faces,
    VerifyConfig verify, IdentifyConfig identify, ReportConfig report,
    EncryptionConfig encryption, CommitMode commit) {

  public static RunConfig of(Settings s) {
    ModelConfig model = ModelConfig.of(s);
    InputLimits inputs = InputLimits.of(s);
    FaceConfig faces = FaceConfig.of(s, model.model().base().id(), inputs);
    return new RunConfig(model, inputs, faces, VerifyConfig.of(s), IdentifyConfig.of(s),
        ReportConfig.of(s), EncryptionConfig.of(s),
        CommitMode.parse(s.get(Settings.OUTPUT_COMMIT, "auto")));
  }
}
