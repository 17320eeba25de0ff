// Package sync holds what the browser and the server agree on to keep a
// reader's objects the same on every device: the push and pull messages,
// the hybrid logical clock that orders edits, the merge rule both sides
// apply, and the validation of what a client may send. The client engine
// (outbox, cursor, back-off) lives here too.
//
// Objects are annotations, articles (the reader's own copy of the
// document model), reading positions and settings. Each is a set of named
// fields; every field carries the clock value and client of the edit that
// set it, and the greatest (clock, client) wins, field by field. Deletes
// are sticky: once an object is deleted, an edit arriving for it is
// refused and its content kept as a revision.
//
// The client side: an Engine keeps a Replica (the device's database,
// margin/app/local) in sync through a Transport (margin/app/client). It
// pushes the replica's pending mutations in order, in batches, soon after
// each edit; it pulls on the server's nudges, after each push and every
// minute while the page is visible; it backs off exponentially, with
// jitter, while the server cannot be reached; and it reports a Status the
// reader can read ("3 changes not yet synced").
//
// The package name shadows the standard library's sync inside importers;
// they import it as "margin/app/sync" and name the standard one when they
// need both.
package sync
