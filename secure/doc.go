// Package secure holds the platform's security primitives: password hashing
// (argon2id), random tokens and their digests, the SM3 hash chain of the
// audit log, and field encryption of personal data (SM4-GCM with keyed SM3
// blind indexes, FieldKey). Scope rules live in the store, next to the data
// they guard.
package secure
