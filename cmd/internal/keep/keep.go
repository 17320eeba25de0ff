// Package keep stores an imported article in a reader's own library: the
// article already there for the same page unless a fresh copy is asked
// for, or else its images and the article, as one of the reader's synced
// objects. The server's import route and "margin import --user" both
// keep articles through it.
package keep

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"margin/app/library"
	msync "margin/app/sync"
	"margin/cmd/internal/extract"
	"margin/cmd/internal/store"
)

// ErrTooLarge is an article whose model is larger than one synced field
// may be.
var ErrTooLarge = errors.New("keep: the article's model is larger than one synced field")

// MediaTypes are the image types kept and served; an import's images of
// any other type are dropped.
var MediaTypes = map[string]bool{
	"image/png": true, "image/jpeg": true, "image/gif": true,
	"image/webp": true, "image/avif": true, "image/svg+xml": true,
}

// Kept is what Import did.
type Kept struct {
	Summary library.Summary
	// Existing is true when the page was in the library already and
	// nothing was written.
	Existing bool
	// NotifyErr is why the reader's devices were not told of the new
	// article; it is kept all the same, and they get it at their next
	// pull.
	NotifyErr error
}

// Existing returns the reader's article for the page at canonical, if
// they have one.
func Existing(ctx context.Context, st store.Store, userID, canonical string) (library.Summary, bool, error) {
	if canonical == "" {
		return library.Summary{}, false, nil
	}
	had, err := st.ArticleByURL(ctx, userID, canonical)
	if errors.Is(err, store.ErrNotFound) {
		return library.Summary{}, false, nil
	}
	if err != nil {
		return library.Summary{}, false, err
	}
	return had.Summary, true, nil
}

// Import keeps res in the library of userID and tells the reader's
// devices. Errors: ErrTooLarge, the store's.
func Import(ctx context.Context, st store.Store, userID string, res *extract.Result, fresh bool) (Kept, error) {
	if res == nil || res.Article == nil {
		return Kept{}, errors.New("keep: the import gave no article")
	}
	if !fresh {
		if sum, ok, err := Existing(ctx, st, userID, res.URL); err != nil || ok {
			return Kept{Summary: sum, Existing: ok}, err
		}
	}
	a := res.Article
	if res.URL != "" {
		a.Meta.URL = res.URL // what a second import of the page is found by
	}
	// Images first: an article is never stored pointing at one missing.
	for _, img := range res.Images {
		if !MediaTypes[img.Type] {
			continue
		}
		if err := st.PutMedia(ctx, store.Media{Hash: img.Hash, Type: img.Type, Data: img.Data}); err != nil {
			return Kept{}, err
		}
	}
	id := ID(res.URL, fresh)
	for try := 0; ; try++ {
		a.ID = id
		doc, err := json.Marshal(a)
		if err != nil {
			return Kept{}, err
		}
		if len(doc) > msync.MaxFieldBytes {
			return Kept{}, fmt.Errorf("%w: %d bytes", ErrTooLarge, len(doc))
		}
		own, err := st.PutArticle(ctx, userID, id, doc, time.Now())
		if errors.Is(err, store.ErrDeleted) && try == 0 {
			// The reader deleted an earlier copy; deletions are for
			// good, so this one is a copy of its own.
			id = ID(res.URL, true)
			continue
		}
		if err != nil {
			return Kept{}, err
		}
		// The article is stored whatever happens to the nudge; a device
		// that misses it gets the article at its next pull.
		nctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
		nerr := st.Notify(nctx, userID)
		cancel()
		return Kept{Summary: own.Summary, NotifyErr: nerr}, nil
	}
}

// ID names an imported article: "u" and 20 hex digits of the hash of its
// canonical address, so one page has one id on every device, with "-" and
// 6 random hex digits for a fresh copy; "p" and 20 random hex digits for
// an article without an address (pasted, or read from a file).
func ID(canonical string, fresh bool) string {
	if canonical == "" {
		return "p" + randomHex(10)
	}
	sum := sha256.Sum256([]byte(canonical))
	id := "u" + hex.EncodeToString(sum[:])[:20]
	if fresh {
		id += "-" + randomHex(3)
	}
	return id
}

func randomHex(n int) string {
	b := make([]byte, n)
	rand.Read(b)
	return hex.EncodeToString(b)
}
