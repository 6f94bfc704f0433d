/**
 * The {@code facerec} command line (picocli): one command per job, which parses its options,
 * refuses bad usage (exit code 2: a missing source, {@code --top-k 0}, {@code --far 2},
 * {@code --strangers 1.5}), turns its options into settings, and calls its job through
 * {@link org.facerec.cli.CommonOptions}, which starts or joins the session, builds the run's
 * settings once and prints the job's summary. Option groups several commands share are mixins
 * ({@link org.facerec.cli.CommonOptions}, {@code ResidentsOptions}). {@code show} prints a CSV
 * without Spark. No job logic, no settings parsing, no file formats: those are
 * {@link org.facerec.jobs}', {@link org.facerec.config}'s and {@link org.facerec.io}'s.
 */
package org.facerec.cli;
