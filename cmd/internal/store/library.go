package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"margin/app/article"
	"margin/app/library"
	msync "margin/app/sync"
)

// A user's own articles are synced objects of kind article, the model in
// field "doc", like the copies a reader's device keeps. Beside them the
// table article_index holds each live one's summary and address, written
// in the same transaction as the object (by a push or by PutArticle), so a
// library is listed, and a page found by its address, without decoding a
// megabyte of model per article.

// ServerClient is the client id the server's own edits carry, such as an
// article it imported for a user. It is not a valid client id of a
// device (too short), so no device can push as the server.
const ServerClient = "server"

// ErrDeleted: the user deleted the object with that id; deletions are
// for good, so it cannot be written again.
var ErrDeleted = errors.New("store: the object was deleted")

// OwnArticle is one of a user's own articles as their library lists it.
type OwnArticle struct {
	Summary library.Summary
	// URL is the model's meta url, the page's canonical address; "" for
	// an article pasted or read from a file.
	URL     string
	Version int64     // the object's version (the user's change counter)
	Created time.Time // when the server first stored the object
}

// PutArticle writes doc, the JSON of an article model, as the user's
// article object id, an edit by ServerClient at now: it syncs to all the
// user's devices like one of theirs (the caller then Notifies them). The
// object and its index row change in one transaction. Errors: ErrDeleted
// when the user deleted that id, an error wrapping msync.ErrInvalid when
// doc is not a valid article or is larger than msync.MaxFieldBytes,
// ErrNotFound when there is no such user, ErrBusy.
func (s *db) PutArticle(ctx context.Context, userID, id string, doc json.RawMessage, now time.Time) (OwnArticle, error) {
	m := msync.Mutation{ID: 1, Op: msync.OpUpsert, Kind: msync.KindArticle, Object: id,
		HLC: msync.At(now), Fields: map[string]json.RawMessage{"doc": doc}}
	if err := msync.CheckMutation(&m); err != nil {
		return OwnArticle{}, fmt.Errorf("store: put article %s: %w", id, err)
	}
	var out OwnArticle
	err := s.write(ctx, "put article", func(tx *sql.Tx) error {
		st, err := s.serverEdit(ctx, tx, userID, &m, now, func(*msync.Record) error { return nil })
		if err != nil {
			return err
		}
		rec := st.records[m.Key()]
		if rec == nil {
			return fmt.Errorf("article %s: nothing was written", id)
		}
		sum, url, err := summarize(id, rec.Fields["doc"].Value)
		if err != nil {
			return err
		}
		out = OwnArticle{Summary: sum, URL: url, Version: rec.Version, Created: fromMS(rec.Created)}
		return nil
	})
	if err != nil {
		if s.foreignKey(err) {
			err = ErrNotFound
		}
		return OwnArticle{}, fmt.Errorf("store: put article %s: %w", id, err)
	}
	return out, nil
}

// DeleteArticle deletes the user's article object id, an edit by
// ServerClient at now, for good (its model is kept as a revision, as a
// device's deletion keeps it). Errors: ErrNotFound when the user has no
// live article id, ErrBusy.
func (s *db) DeleteArticle(ctx context.Context, userID, id string, now time.Time) error {
	m := msync.Mutation{ID: 1, Op: msync.OpDelete, Kind: msync.KindArticle, Object: id, HLC: msync.At(now)}
	if err := msync.CheckMutation(&m); err != nil {
		return fmt.Errorf("store: delete article %.64q: %w", id, ErrNotFound)
	}
	err := s.write(ctx, "delete article", func(tx *sql.Tx) error {
		_, err := s.serverEdit(ctx, tx, userID, &m, now, func(cur *msync.Record) error {
			if cur == nil || cur.Deleted != 0 {
				return ErrNotFound
			}
			return nil
		})
		return err
	})
	if err != nil {
		return fmt.Errorf("store: delete article %s: %w", id, err)
	}
	return nil
}

// OwnArticles lists the user's own articles, the latest stored first.
func (s *db) OwnArticles(ctx context.Context, userID string) ([]OwnArticle, error) {
	rows, err := s.r.QueryContext(ctx, `SELECT id, url, summary, version, created_at FROM article_index
		WHERE user_id = $1 ORDER BY created_at DESC, id`, userID)
	if err != nil {
		return nil, fmt.Errorf("store: list articles: %w", err)
	}
	defer rows.Close()
	var out []OwnArticle
	for rows.Next() {
		a, err := scanOwn(rows)
		if err != nil {
			return nil, fmt.Errorf("store: list articles: %w", err)
		}
		out = append(out, a)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: list articles: %w", err)
	}
	return out, nil
}

// ArticleByURL returns the user's own article whose canonical address is
// url (the latest stored, if several are), or ErrNotFound.
func (s *db) ArticleByURL(ctx context.Context, userID, url string) (OwnArticle, error) {
	if url == "" {
		return OwnArticle{}, fmt.Errorf("store: article by address: %w", ErrNotFound)
	}
	row := s.r.QueryRowContext(ctx, `SELECT id, url, summary, version, created_at FROM article_index
		WHERE user_id = $1 AND url = $2 AND url <> '' ORDER BY created_at DESC, id LIMIT 1`, userID, url)
	a, err := scanOwn(row)
	if errors.Is(err, sql.ErrNoRows) {
		return OwnArticle{}, fmt.Errorf("store: article by address: %w", ErrNotFound)
	}
	if err != nil {
		return OwnArticle{}, fmt.Errorf("store: article by address: %w", err)
	}
	return a, nil
}

// ArticleDoc returns the model JSON of the user's live article object id,
// or ErrNotFound.
func (s *db) ArticleDoc(ctx context.Context, userID, id string) (json.RawMessage, error) {
	var fields []byte
	err := s.r.QueryRowContext(ctx, `SELECT fields FROM objects
		WHERE user_id = $1 AND kind = 'article' AND id = $2 AND deleted_hlc = 0`, userID, id).Scan(&fields)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("store: article %s: %w", id, ErrNotFound)
	}
	if err != nil {
		return nil, fmt.Errorf("store: article %s: %w", id, err)
	}
	var dec fieldsDecoder
	f, err := dec.decode(fields)
	if err != nil {
		return nil, fmt.Errorf("store: article %s: %w", id, err)
	}
	doc, ok := f["doc"]
	if !ok {
		return nil, fmt.Errorf("store: article %s has no model: %w", id, ErrNotFound)
	}
	return doc.Value, nil
}

type scanner interface{ Scan(dest ...any) error }

func scanOwn(row scanner) (OwnArticle, error) {
	var a OwnArticle
	var id, sum string
	var created int64
	if err := row.Scan(&id, &a.URL, &sum, &a.Version, &created); err != nil {
		return OwnArticle{}, err
	}
	if err := json.Unmarshal([]byte(sum), &a.Summary); err != nil {
		return OwnArticle{}, fmt.Errorf("article %s: stored summary: %w", id, err)
	}
	a.Summary.ID, a.Created = id, fromMS(created)
	return a, nil
}

// summarize returns the summary and the canonical address of the article
// whose model JSON is doc, decoding only its metadata.
func summarize(id string, doc json.RawMessage) (library.Summary, string, error) {
	var head struct {
		Meta article.Meta `json:"meta"`
	}
	if err := json.Unmarshal(doc, &head); err != nil {
		return library.Summary{}, "", fmt.Errorf("article %s: %w", id, err)
	}
	return library.Summary{ID: id, Meta: head.Meta}, head.Meta.URL, nil
}

// indexArticles brings the index rows of the given article objects in
// line with them: a row for each live one, none for a deleted one.
func indexArticles(ctx context.Context, tx querier, userID string, recs []*msync.Record) error {
	var rows [][]any
	for _, r := range recs {
		if r.Deleted != 0 {
			if _, err := tx.ExecContext(ctx, "DELETE FROM article_index WHERE user_id = $1 AND id = $2", userID, r.ID); err != nil {
				return err
			}
			continue
		}
		doc, ok := r.Fields["doc"]
		if !ok {
			continue
		}
		sum, url, err := summarize(r.ID, doc.Value)
		if err != nil {
			// Pushed models are checked first; only a row stored before
			// the checks could fail here, and it is left unlisted.
			continue
		}
		b, err := json.Marshal(sum)
		if err != nil {
			return err
		}
		rows = append(rows, []any{userID, r.ID, url, string(b), r.Version, r.Created})
	}
	if len(rows) == 0 {
		return nil
	}
	return insertRows(ctx, tx, `INSERT INTO article_index (user_id, id, url, summary, version, created_at) VALUES `,
		` ON CONFLICT (user_id, id) DO UPDATE SET url = excluded.url, summary = excluded.summary, version = excluded.version`, rows)
}

// indexExisting fills the index from the article objects stored before
// it existed; it runs in the transaction of the migration that made it.
func indexExisting(ctx context.Context, tx querier) error {
	rows, err := tx.QueryContext(ctx, `SELECT user_id, id, version, created_at, fields FROM objects
		WHERE kind = 'article' AND deleted_hlc = 0 ORDER BY user_id`)
	if err != nil {
		return err
	}
	byUser := map[string][]*msync.Record{}
	var dec fieldsDecoder
	for rows.Next() {
		r := &msync.Record{Kind: msync.KindArticle}
		var user string
		var fields []byte
		if err := rows.Scan(&user, &r.ID, &r.Version, &r.Created, &fields); err != nil {
			rows.Close()
			return err
		}
		if r.Fields, err = dec.decode(fields); err != nil {
			rows.Close()
			return fmt.Errorf("article %s: %w", r.ID, err)
		}
		byUser[user] = append(byUser[user], r)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	for user, recs := range byUser {
		if err := indexArticles(ctx, tx, user, recs); err != nil {
			return err
		}
	}
	return nil
}

// serverEdit applies m, an edit by ServerClient at now, to the user's
// objects inside tx as a push would: the user's row is locked, the object
// loaded and shown to check (nil when there is none), then the edit
// applied and the user's change sequence moved on. An upsert onto a
// deleted object is ErrDeleted. It returns the push's state, whose
// records hold what was written.
func (s *db) serverEdit(ctx context.Context, tx *sql.Tx, userID string, m *msync.Mutation, now time.Time, check func(cur *msync.Record) error) (*pushState, error) {
	st := &pushState{userID: userID, clientID: ServerClient, now: ms(now),
		records: map[msync.Key]*msync.Record{}, foreign: map[string]bool{}, stamped: map[msync.Key]bool{}}
	if err := tx.QueryRowContext(ctx, "SELECT change_seq FROM users WHERE id = $1"+s.forUpdate, userID).Scan(&st.seq); err != nil {
		if errors.Is(err, sql.ErrNoRows) {
			return nil, ErrNotFound
		}
		return nil, err
	}
	start := st.seq
	if err := st.load(ctx, tx, []msync.Key{m.Key()}); err != nil {
		return nil, err
	}
	if err := check(st.records[m.Key()]); err != nil {
		return nil, err
	}
	var res PushResult
	if r := st.apply(m, nil, &res); r.Status == msync.StatusRejected && m.Op == msync.OpUpsert {
		return nil, ErrDeleted
	}
	if err := st.flush(ctx, tx); err != nil {
		return nil, err
	}
	if st.seq != start {
		if _, err := tx.ExecContext(ctx, "UPDATE users SET change_seq = $2 WHERE id = $1", userID, st.seq); err != nil {
			return nil, err
		}
	}
	return st, nil
}
