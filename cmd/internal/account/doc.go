// Package account holds what Margin's accounts are made of, apart from
// their storage: password hashing (argon2id, with the number of hashes
// running at once capped so a burst of sign-ins keeps memory bounded),
// the rules for names and passwords, session secrets and API tokens
// (only a hash of either is stored), and the limiter that slows down
// password guessing.
package account
