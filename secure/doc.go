// Package secure holds the platform's security primitives: password hashing
// (argon2id), random tokens and their digests, and the SM3 hash chain of the
// audit log. Scope rules live in the store, next to the data they guard.
package secure
