// Command pushref is the bench's reference for Margin's sync push: the
// least a server can do to store a batch durably. It takes the same
// POST /api/sync/push bodies as Margin and writes each mutation's fields
// into one SQLite table, one transaction per request, with the durability
// settings Margin's store uses (modernc.org/sqlite, WAL,
// synchronous=FULL, one writer connection, BEGIN IMMEDIATE). It has no
// accounts, no validation beyond decoding, no idempotency and no merge:
// what Margin does beyond it is the price of those.
//
//	pushref --addr 127.0.0.1:PORT --db FILE
//
// GET /healthz answers 200 once the database is open; GET /count answers
// {"rows": N}, the rows stored, for the bench to check that no
// acknowledged write is missing.
package main

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/signal"
	"syscall"
	"time"

	_ "modernc.org/sqlite"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := run(ctx, os.Args[1:])
	stop()
	if err != nil {
		fmt.Fprintln(os.Stderr, "pushref:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, args []string) error {
	fl := flag.NewFlagSet("pushref", flag.ContinueOnError)
	addr := fl.String("addr", "127.0.0.1:0", "`host:port` to listen on")
	path := fl.String("db", "pushref.db", "SQLite `file`")
	if err := fl.Parse(args); err != nil {
		return err
	}
	db, err := open(*path)
	if err != nil {
		return err
	}
	defer db.Close()

	mux := http.NewServeMux()
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, r *http.Request) {
		if err := db.PingContext(r.Context()); err != nil {
			http.Error(w, err.Error(), http.StatusServiceUnavailable)
			return
		}
		w.Write([]byte("ok\n"))
	})
	mux.HandleFunc("POST /api/sync/push", func(w http.ResponseWriter, r *http.Request) { push(db, w, r) })
	mux.HandleFunc("GET /count", func(w http.ResponseWriter, r *http.Request) {
		var n int64
		if err := db.QueryRowContext(r.Context(), `SELECT count(*) FROM objects`).Scan(&n); err != nil {
			http.Error(w, err.Error(), http.StatusInternalServerError)
			return
		}
		writeJSON(w, map[string]int64{"rows": n})
	})
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		return err
	}
	// The same timeouts as Margin's server, so neither side keeps
	// connections the other would drop.
	srv := &http.Server{Handler: mux, ReadHeaderTimeout: 5 * time.Second, ReadTimeout: 30 * time.Second,
		WriteTimeout: 60 * time.Second, IdleTimeout: 120 * time.Second}
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	fmt.Fprintln(os.Stderr, "pushref: serving on", ln.Addr())
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	sctx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
	defer cancel()
	if err := srv.Shutdown(sctx); err != nil {
		return err
	}
	if err := <-errc; !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}

// open opens the database with Margin's durability settings and makes the
// table.
func open(path string) (*sql.DB, error) {
	q := url.Values{}
	q.Add("_pragma", "journal_mode(WAL)")
	q.Add("_pragma", "synchronous(FULL)")
	q.Add("_pragma", "busy_timeout(5000)")
	q.Set("_txlock", "immediate")
	db, err := sql.Open("sqlite", "file:"+path+"?"+q.Encode())
	if err != nil {
		return nil, err
	}
	// One writer: transactions queue for the connection, as in Margin's
	// store, instead of failing on SQLITE_BUSY.
	db.SetMaxOpenConns(1)
	db.SetMaxIdleConns(1)
	db.SetConnMaxLifetime(0)
	if _, err := db.Exec(`CREATE TABLE IF NOT EXISTS objects (
		id     TEXT PRIMARY KEY,
		client TEXT NOT NULL,
		kind   TEXT NOT NULL,
		hlc    INTEGER NOT NULL,
		fields TEXT NOT NULL
	)`); err != nil {
		db.Close()
		return nil, fmt.Errorf("create table: %w", err)
	}
	return db, nil
}

// pushRequest is the part of Margin's push body the reference reads.
type pushRequest struct {
	ClientID  string `json:"client_id"`
	Mutations []struct {
		ID     int64           `json:"id"`
		Kind   string          `json:"kind"`
		Object string          `json:"object_id"`
		HLC    int64           `json:"hlc"`
		Fields json.RawMessage `json:"fields"`
	} `json:"mutations"`
}

type result struct {
	ID     int64  `json:"id"`
	Status string `json:"status"`
}

// push stores a batch in one transaction and answers as Margin does, so
// the load generator reads the same kind of answer from both.
func push(db *sql.DB, w http.ResponseWriter, r *http.Request) {
	var req pushRequest
	if err := json.NewDecoder(http.MaxBytesReader(w, r.Body, 2<<20)).Decode(&req); err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	res := struct {
		LastMutationID int64    `json:"last_mutation_id"`
		Results        []result `json:"results"`
		ServerTimeMs   int64    `json:"server_time_ms"`
	}{Results: make([]result, 0, len(req.Mutations))}
	err := func() error {
		tx, err := db.BeginTx(r.Context(), nil)
		if err != nil {
			return err
		}
		defer tx.Rollback()
		for _, m := range req.Mutations {
			// An edit replaces the stored fields: no merge, no history.
			if _, err := tx.Exec(`INSERT INTO objects (id, client, kind, hlc, fields) VALUES (?, ?, ?, ?, ?)
				ON CONFLICT (id) DO UPDATE SET hlc = excluded.hlc, fields = excluded.fields`,
				m.Object, req.ClientID, m.Kind, m.HLC, string(m.Fields)); err != nil {
				return err
			}
			res.Results = append(res.Results, result{ID: m.ID, Status: "applied"})
			res.LastMutationID = m.ID
		}
		return tx.Commit()
	}()
	if err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	res.ServerTimeMs = time.Now().UnixMilli()
	writeJSON(w, res)
}

func writeJSON(w http.ResponseWriter, v any) {
	w.Header().Set("Content-Type", "application/json")
	json.NewEncoder(w).Encode(v)
}
