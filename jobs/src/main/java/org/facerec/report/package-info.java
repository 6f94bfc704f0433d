/**
 * Every page facerec writes for people, built on the driver: the audit reports of verify and
 * identify ({@link org.facerec.report.AuditReports}, one skeleton, what differs between the two in
 * {@code VerifyAudit} and {@code IdentifyAudit}), evaluate's report
 * ({@link org.facerec.report.EvaluationReport}), and what they are made of: self-contained HTML
 * ({@link org.facerec.report.Html}), SVG charts, JPEG thumbnails as data URIs, and the numbers as
 * people read them ({@link org.facerec.report.Format}). The pages are handed the rows and facts
 * by the jobs and written through {@link org.facerec.io.Tables}; the metrics are udfs'
 * {@code org.facerec.eval}.
 */
package org.facerec.report;
