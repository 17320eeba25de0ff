package sync

import (
	"fmt"
	"time"
)

// State is what the sync engine is doing, for the reader to see.
type State int

// The states.
const (
	Synced    State = iota // every local change is on the server
	Syncing                // sending or fetching changes now
	Unsynced               // changes wait to be sent (soon)
	Offline                // the server cannot be reached; trying again later
	SignedOut              // the session ended; nothing syncs until the reader signs in
	Failed                 // the server or the device refused; trying again later
)

// Status is the engine's state, with how many local changes the server
// has not yet confirmed.
type Status struct {
	State   State
	Pending int
	Err     error     // Offline, Failed: what went wrong
	Retry   time.Time // Offline, Failed: when the next attempt is due (zero: on the next event)
}

// String returns the status as the reader reads it.
func (s Status) String() string {
	waiting := ""
	switch s.Pending {
	case 0:
	case 1:
		waiting = "1 change not yet synced"
	default:
		waiting = fmt.Sprintf("%d changes not yet synced", s.Pending)
	}
	with := func(state string) string {
		if waiting == "" {
			return state
		}
		return state + " — " + waiting
	}
	switch s.State {
	case Synced:
		return "Synced"
	case Syncing:
		return with("Syncing…")
	case Unsynced:
		if waiting == "" {
			return "Synced"
		}
		return waiting
	case Offline:
		return with("Offline")
	case SignedOut:
		return with("Signed out")
	}
	return with("Sync failed")
}
