/**
 * The jobs, one class each, as thin drivers that read as their steps: enroll, verify, identify,
 * embed, erase, evaluate, calibrate, query, train. A job gets a {@link org.facerec.jobs.Run} (the
 * session, the typed settings, the run's tables and encoding stage) and a request from its
 * command, and returns a {@link org.facerec.jobs.Summary} for the terminal. Each job's output
 * files are named in one place ({@link org.facerec.jobs.EventOutputs} for verify and identify,
 * {@link org.facerec.jobs.EnrollOutputs}, {@link org.facerec.jobs.EvaluateOutputs}), which the
 * job, erase and the commands' help use. {@link org.facerec.jobs.Sessions} starts or joins the
 * session ({@link org.facerec.jobs.EmbeddedMaster}: the command line's own session on a
 * standalone cluster ships facerec's jar to the executors). How to read and write files is
 * {@link org.facerec.io}'s, how to encode and match {@link org.facerec.stage}'s, what to show a
 * person {@link org.facerec.report}'s.
 */
package org.facerec.jobs;
