// Package serverproc tests the real server binary as a process, where
// only a process will do: killed with SIGKILL in the middle of a push
// (D1), stopped with SIGTERM while pushes are in flight (D2), and run
// twice on one PostgreSQL database, nudging each other's event streams.
// The binary comes from MARGIN_BIN (make test builds it); without it the
// tests skip, except under CI=true.
package serverproc
