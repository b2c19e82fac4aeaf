// Package secure holds the platform's security primitives: password hashing
// (argon2id), random tokens and their digests, the SM3 hash chain of the
// audit log, and field encryption of personal data (SM4-GCM with keyed SM3
// blind indexes, FieldKey), and the signed checkpoints of the audit chain.
// Who may see or do what lives in the root package's authz.go.
package secure
