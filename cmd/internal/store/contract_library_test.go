package store

import (
	"bytes"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

	"margin/app/article"
	msync "margin/app/sync"
)

// articleDoc returns the model JSON of a small article.
func articleDoc(t testing.TB, title, url, text string) json.RawMessage {
	t.Helper()
	a, err := article.FromText(text)
	if err != nil {
		t.Fatal(err)
	}
	a.Meta.Title, a.Meta.URL = title, url
	b, err := json.Marshal(a)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func testMedia(t *testing.T, open opener) {
	s := open(t, Options{})
	c := ctx(t)
	data := []byte("\x89PNG\r\n\x1a\n\x00\x00 binary \xff\x00 bytes")
	sum := sha256.Sum256(data)
	h := hex.EncodeToString(sum[:])
	if _, err := s.Media(c, h); !errors.Is(err, ErrNotFound) {
		t.Fatalf("media before it is stored: %v", err)
	}
	for range 2 { // the second time changes nothing
		if err := s.PutMedia(c, Media{Hash: h, Type: "image/png", Data: data}); err != nil {
			t.Fatal(err)
		}
	}
	m, err := s.Media(c, h)
	if err != nil || m.Type != "image/png" || !bytes.Equal(m.Data, data) || m.Created.IsZero() {
		t.Fatalf("media: %+v, %v", m, err)
	}
	if n := count(t, s, "SELECT COUNT(*) FROM media"); n != 1 {
		t.Fatalf("%d media rows, want 1", n)
	}
	// A hash that is not the bytes' is refused: no image can be planted
	// under another's hash.
	other := sha256.Sum256([]byte("other"))
	if err := s.PutMedia(c, Media{Hash: hex.EncodeToString(other[:]), Type: "image/png", Data: data}); err == nil {
		t.Fatal("media stored under a hash not its own")
	}
	if err := s.PutMedia(c, Media{Hash: h, Data: data}); err == nil {
		t.Fatal("media stored without a type")
	}
	for _, bad := range []string{"", "x", strings.Repeat("A", 64), strings.Repeat("g", 64), h + "0", h[:63]} {
		if ValidMediaHash(bad) {
			t.Errorf("ValidMediaHash(%q)", bad)
		}
	}
	if !ValidMediaHash(h) {
		t.Error("a real hash is not valid")
	}
}

// testPutArticle: an article the server writes is a synced object of the
// user, listed from the index, found by address, and seen by no one else.
func testPutArticle(t *testing.T, open opener) {
	s := open(t, Options{})
	c := ctx(t)
	ann, bob := newUser(t, s, "ann"), newUser(t, s, "bob")
	now := time.Now()
	doc := articleDoc(t, "Imported", "https://news.example/story", "First paragraph.\n\nSecond one.")
	seq0, _ := s.ChangeSeq(c, ann.ID)
	got, err := s.PutArticle(c, ann.ID, "u0123456789abcdef0123", doc, now)
	if err != nil {
		t.Fatal(err)
	}
	if got.Summary.ID != "u0123456789abcdef0123" || got.Summary.Meta.Title != "Imported" || got.URL != "https://news.example/story" ||
		got.Version != seq0+1 || got.Created.UnixMilli() != now.UnixMilli() || got.Summary.Meta.Words != 4 {
		t.Fatalf("put: %+v", got)
	}
	// A device of the user pulls it, as the server's edit.
	recs, _ := pullAll(t, s, ann.ID, "device-ann1", 0, 100)
	if len(recs) != 1 || recs[0].Kind != msync.KindArticle || recs[0].Fields["doc"].By != ServerClient ||
		!bytes.Equal(recs[0].Fields["doc"].Value, doc) {
		t.Fatalf("pulled: %+v", recs)
	}
	list, err := s.OwnArticles(c, ann.ID)
	if err != nil || len(list) != 1 || list[0].Summary.Meta.Title != "Imported" || list[0].URL != got.URL {
		t.Fatalf("list: %+v, %v", list, err)
	}
	if a, err := s.ArticleByURL(c, ann.ID, "https://news.example/story"); err != nil || a.Summary.ID != got.Summary.ID {
		t.Fatalf("by url: %+v, %v", a, err)
	}
	if d, err := s.ArticleDoc(c, ann.ID, got.Summary.ID); err != nil || !bytes.Equal(d, doc) {
		t.Fatalf("doc: %s, %v", d, err)
	}
	// Bob sees none of it.
	if l, err := s.OwnArticles(c, bob.ID); err != nil || len(l) != 0 {
		t.Fatalf("bob's list: %+v, %v", l, err)
	}
	if _, err := s.ArticleByURL(c, bob.ID, "https://news.example/story"); !errors.Is(err, ErrNotFound) {
		t.Fatalf("bob by url: %v", err)
	}
	if _, err := s.ArticleDoc(c, bob.ID, got.Summary.ID); !errors.Is(err, ErrNotFound) {
		t.Fatalf("bob's doc: %v", err)
	}
	if recs, _ := pullAll(t, s, bob.ID, "device-bob1", 0, 100); len(recs) != 0 {
		t.Fatalf("bob pulled %+v", recs)
	}
	if _, err := s.ArticleByURL(c, ann.ID, ""); !errors.Is(err, ErrNotFound) {
		t.Fatalf("by empty url: %v", err)
	}

	// Writing it again replaces the model and keeps the creation time.
	doc2 := articleDoc(t, "Imported again", "https://news.example/story", "Changed text.")
	again, err := s.PutArticle(c, ann.ID, got.Summary.ID, doc2, now.Add(time.Second))
	if err != nil || again.Summary.Meta.Title != "Imported again" || again.Version != got.Version+1 || !again.Created.Equal(got.Created) {
		t.Fatalf("again: %+v, %v", again, err)
	}
	if list, _ := s.OwnArticles(c, ann.ID); len(list) != 1 || list[0].Summary.Meta.Title != "Imported again" {
		t.Fatalf("list after the second write: %+v", list)
	}

	// Bad models are refused and change nothing.
	seq, _ := s.ChangeSeq(c, ann.ID)
	for name, bad := range map[string]json.RawMessage{
		"not json":    json.RawMessage(`{"meta":`),
		"not a model": json.RawMessage(`{"blocks":[{"kind":"script"}]}`),
		"too large":   articleDoc(t, "Huge", "", strings.Repeat("word ", msync.MaxFieldBytes/5+10)),
	} {
		if _, err := s.PutArticle(c, ann.ID, "p0000000000000000000"+name[:1], bad, now); !errors.Is(err, msync.ErrInvalid) {
			t.Errorf("%s: %v, want ErrInvalid", name, err)
		}
	}
	if _, err := s.PutArticle(c, ann.ID, "bad id with spaces", doc, now); !errors.Is(err, msync.ErrInvalid) {
		t.Errorf("bad id: %v", err)
	}
	if _, err := s.PutArticle(c, "no-such-user", "p1", doc, now); !errors.Is(err, ErrNotFound) {
		t.Errorf("no such user: %v", err)
	}
	if s2, _ := s.ChangeSeq(c, ann.ID); s2 != seq {
		t.Fatalf("refused writes moved the counter from %d to %d", seq, s2)
	}
}

// testArticleIndexFollowsPush: articles a device pushes are indexed as
// they change, and leave the index when deleted, for good.
func testArticleIndexFollowsPush(t *testing.T, open opener) {
	s := open(t, Options{})
	c := ctx(t)
	u := newUser(t, s, "ann")
	now := time.Now()
	art := func(id int64, object, title string, h int) msync.Mutation {
		return msync.Mutation{ID: id, Op: msync.OpUpsert, Kind: msync.KindArticle, Object: object, HLC: hlcAt(now, h),
			Fields: map[string]json.RawMessage{"doc": articleDoc(t, title, "", "Pasted text.")}}
	}
	push(t, s, u.ID, "device-ann1", now, art(1, "p1", "One", 1), art(2, "p2", "Two", 2), upsert(3, annID(1), hlcAt(now, 3), annFields("x")))
	titles := func() string {
		l, err := s.OwnArticles(c, u.ID)
		if err != nil {
			t.Fatal(err)
		}
		var ts []string
		for _, a := range l {
			ts = append(ts, a.Summary.ID+"="+a.Summary.Meta.Title)
		}
		return strings.Join(ts, ",")
	}
	if got := titles(); got != "p1=One,p2=Two" && got != "p2=Two,p1=One" {
		t.Fatalf("index after push: %s", got)
	}
	push(t, s, u.ID, "device-ann1", now, art(4, "p1", "One, renamed", 4))
	push(t, s, u.ID, "device-ann1", now, msync.Mutation{ID: 5, Op: msync.OpDelete, Kind: msync.KindArticle, Object: "p2", HLC: hlcAt(now, 5)})
	if got := titles(); got != "p1=One, renamed" {
		t.Fatalf("index after edit and delete: %s", got)
	}
	if _, err := s.ArticleDoc(c, u.ID, "p2"); !errors.Is(err, ErrNotFound) {
		t.Fatalf("deleted article's doc: %v", err)
	}
	// The server may not bring a deleted article back.
	if _, err := s.PutArticle(c, u.ID, "p2", articleDoc(t, "Back", "", "x"), now); !errors.Is(err, ErrDeleted) {
		t.Fatalf("put over a deletion: %v, want ErrDeleted", err)
	}
	if got := titles(); got != "p1=One, renamed" {
		t.Fatalf("index after the refused put: %s", got)
	}
	if err := s.DeleteUser(c, u.ID); err != nil {
		t.Fatal(err)
	}
	if n := count(t, s, "SELECT COUNT(*) FROM article_index WHERE user_id = $1", u.ID); n != 0 {
		t.Fatalf("%d index rows after DeleteUser", n)
	}
}

// testArticleIndexMigration: migration 2 indexes the article objects a
// database already held.
func testArticleIndexMigration(t *testing.T, open opener) {
	s := open(t, Options{})
	u := newUser(t, s, "ann")
	now := time.Now()
	push(t, s, u.ID, "device-ann1", now,
		msync.Mutation{ID: 1, Op: msync.OpUpsert, Kind: msync.KindArticle, Object: "kept", HLC: hlcAt(now, 1),
			Fields: map[string]json.RawMessage{"doc": articleDoc(t, "Kept before", "https://old.example/a", "Old text.")}},
		msync.Mutation{ID: 2, Op: msync.OpUpsert, Kind: msync.KindArticle, Object: "gone", HLC: hlcAt(now, 2),
			Fields: map[string]json.RawMessage{"doc": articleDoc(t, "Gone", "", "Old text.")}},
		msync.Mutation{ID: 3, Op: msync.OpDelete, Kind: msync.KindArticle, Object: "gone", HLC: hlcAt(now, 3)})
	// As a database from before the index: the rows go, and the Go part
	// of migration 2 runs again.
	if _, err := s.w.ExecContext(ctx(t), "DELETE FROM article_index"); err != nil {
		t.Fatal(err)
	}
	if err := s.write(ctx(t), "test", func(tx *sql.Tx) error { return afterMigration[2](ctx(t), tx) }); err != nil {
		t.Fatal(err)
	}
	re := s
	l, err := re.OwnArticles(ctx(t), u.ID)
	if err != nil || len(l) != 1 || l[0].Summary.ID != "kept" || l[0].Summary.Meta.Title != "Kept before" || l[0].URL != "https://old.example/a" {
		t.Fatalf("index after migrating: %+v, %v", l, err)
	}
}

// testDeleteArticle: the server deletes a user's article for good; no one
// else's, and nothing that is not there.
func testDeleteArticle(t *testing.T, open opener) {
	s := open(t, Options{})
	c := ctx(t)
	ann, bob := newUser(t, s, "ann"), newUser(t, s, "bob")
	now := time.Now()
	if _, err := s.PutArticle(c, ann.ID, "p1", articleDoc(t, "Mine", "https://a.example/", "Text."), now); err != nil {
		t.Fatal(err)
	}
	seq, _ := s.ChangeSeq(c, ann.ID)
	for _, tc := range []struct{ user, id string }{{bob.ID, "p1"}, {ann.ID, "p2"}, {ann.ID, "bad id"}, {"nobody", "p1"}} {
		if err := s.DeleteArticle(c, tc.user, tc.id, now); !errors.Is(err, ErrNotFound) {
			t.Errorf("delete %s of %s: %v, want ErrNotFound", tc.id, tc.user, err)
		}
	}
	if s2, _ := s.ChangeSeq(c, ann.ID); s2 != seq {
		t.Fatal("refused deletes moved the counter")
	}
	if err := s.DeleteArticle(c, ann.ID, "p1", now.Add(time.Second)); err != nil {
		t.Fatal(err)
	}
	if _, err := s.ArticleDoc(c, ann.ID, "p1"); !errors.Is(err, ErrNotFound) {
		t.Fatalf("deleted article's doc: %v", err)
	}
	if l, _ := s.OwnArticles(c, ann.ID); len(l) != 0 {
		t.Fatalf("listed after the delete: %+v", l)
	}
	if _, err := s.ArticleByURL(c, ann.ID, "https://a.example/"); !errors.Is(err, ErrNotFound) {
		t.Fatalf("found by address after the delete: %v", err)
	}
	recs, _ := pullAll(t, s, ann.ID, "device-ann1", 0, 100)
	if len(recs) != 1 || recs[0].Deleted == 0 {
		t.Fatalf("pulled after the delete: %+v", recs)
	}
	if revs, _ := s.Revisions(c, ann.ID, msync.KindArticle, "p1"); len(revs) != 1 || revs[0].Field != "doc" {
		t.Fatalf("the deleted model is not kept: %+v", revs)
	}
	if err := s.DeleteArticle(c, ann.ID, "p1", now.Add(2*time.Second)); !errors.Is(err, ErrNotFound) {
		t.Fatalf("second delete: %v", err)
	}
	if _, err := s.PutArticle(c, ann.ID, "p1", articleDoc(t, "Back", "", "x"), now.Add(3*time.Second)); !errors.Is(err, ErrDeleted) {
		t.Fatalf("put after delete: %v", err)
	}
}
