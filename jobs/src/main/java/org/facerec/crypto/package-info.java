/**
 * {@link org.facerec.crypto.InMemoryKms}, a parquet-mr KMS client whose master keys sit in the
 * Hadoop configuration: for tests and demos of encryption at rest only. How tables are encrypted
 * is {@link org.facerec.io.Protection}'s; a real installation names its own KMS client in
 * {@code facerec.encryption.kms-client}.
 */
package org.facerec.crypto;
