// Package synctest tests sync end to end: devices, each a replica of
// margin/app/local (over its in-memory backend) driven by the engine of
// margin/app/sync, talk to the real server handler over HTTP, backed by a
// real SQLite store in a temporary folder. The tests are the S tests of
// RELIABILITY.md that run without a browser: S1 (a model-based test with
// a transport that drops, duplicates and reorders), S6 (a delete against
// an offline edit), S7 (the tombstone horizon, client side) and S8 (clock
// skew).
package synctest
