/**
 * facerec's settings: read as text in one fixed order, later sources winning (the bundled and
 * installed {@code conf/facerec.conf}, the session's {@code spark.facerec.*}, {@code --conf FILE},
 * {@code --set}, then command options; {@link org.facerec.config.Settings}, which holds every key),
 * then turned once per run into typed records, each validated when it is built, before any work
 * ({@link org.facerec.config.RunConfig}: model and threshold, input limits, faces and the encoding
 * options per job, verify's rules, identify's search, the reports, encryption, the output
 * commit). Also the rewriting of one key in a conf file that calibrate does
 * ({@link org.facerec.config.ConfFile}). No Spark jobs, no files other than conf files.
 */
package org.facerec.config;
