/**
 * What the jobs read and write, and how: inputs listed from folders or read from CSVs as rows
 * naming images ({@link org.facerec.io.Inputs}); outputs written atomically, a failed or killed
 * run leaving the previous output as it was ({@link org.facerec.io.Outputs}: rename swap or
 * pointer commit); facerec's tables found where those commits leave them, read decrypted and
 * written encrypted as the settings say ({@link org.facerec.io.Tables},
 * {@link org.facerec.io.Protection}); the residents table's columns and the one check of them
 * ({@link org.facerec.io.ResidentsTable}); the check that encodings of different models never mix
 * ({@link org.facerec.io.ModelCheck}); and why a failure happened, in one line
 * ({@link org.facerec.io.Failures}). No decisions and no encoding: those are the jobs' and the
 * stages'.
 */
package org.facerec.io;
