package main

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"time"

	"margin/app/anchor"
	"margin/app/annotation"
	msync "margin/app/sync"
)

// A batch is one push a simulated device sends: its encoded body and
// what it creates and edits, to check afterwards that the server kept
// exactly the acknowledged writes.
type batch struct {
	body    []byte
	first   int64 // the first and last mutation numbers in it
	last    int64
	n       int      // mutations
	creates []string // annotation ids it creates
	edits   []edit   // notes it sets on annotations created earlier
}

// edit is a note a batch sets on an annotation.
type edit struct {
	id, note string
}

// batchGen makes one device's pushes: valid annotation upserts, the same
// bytes for the same device and clock base every time, so Margin and the
// reference receive identical batches.
type batchGen struct {
	user, dev int // the device's user, and its number among all devices (< 4096)
	clientID  string
	base      msync.HLC // the clock of the first mutation; each next one adds 1
	created   time.Time
	rng       *rand.Rand
	next      int64                   // the next mutation number
	made      []annotation.Annotation // the annotations made so far, as last edited
}

// editShare is the share of mutations in load batches that edit an
// annotation the device made in an earlier batch; the rest create one.
const editShare = 0.3

func newBatchGen(user, dev int, clientID string, base msync.HLC) *batchGen {
	return &batchGen{
		user: user, dev: dev, clientID: clientID, base: base,
		created: base.Time().UTC(),
		rng:     rand.New(rand.NewPCG(uint64(dev), 0x6d617267696e)),
		next:    1,
	}
}

// load returns the next batch of the push load: 1 to 5 mutations, each
// creating an annotation or, with odds editShare, changing the note and
// colour of one the device made in an earlier batch.
func (g *batchGen) load() *batch {
	n := 1 + g.rng.IntN(5)
	earlier := len(g.made)
	b := &batch{first: g.next, n: n}
	muts := make([]msync.Mutation, 0, n)
	for range n {
		if earlier > 0 && g.rng.Float64() < editShare {
			muts = append(muts, g.edit(g.rng.IntN(earlier), b))
		} else {
			muts = append(muts, g.create(b))
		}
	}
	b.last = g.next - 1
	b.body = g.encode(muts)
	return b
}

// creates returns a batch of n creates, for seeding the store.
func (g *batchGen) creates(n int) *batch {
	b := &batch{first: g.next, n: n}
	muts := make([]msync.Mutation, 0, n)
	for range n {
		muts = append(muts, g.create(b))
	}
	b.last = g.next - 1
	b.body = g.encode(muts)
	// Seeding makes many; the generator need not remember them.
	g.made = g.made[:0]
	return b
}

var (
	benchTags   = []string{"method", "history", "to read again", "quote", "disagree", "canal"}
	passageHash = func() string {
		h := sha256.Sum256([]byte("the bench's article"))
		return hex.EncodeToString(h[:])
	}()
)

// create makes a new annotation, as the reader's UI would: a passage of
// a few words with its context, a colour, maybe tags.
func (g *batchGen) create(b *batch) msync.Mutation {
	seq := int(g.next) // unique within the device
	exact := fmt.Sprintf("passage %d, marked on device %d", seq, g.dev)
	start := 40 * seq
	var tags []string
	for _, t := range benchTags {
		if g.rng.IntN(4) == 0 {
			tags = append(tags, t)
		}
	}
	a := annotation.Annotation{
		ID:      annotationID(g.user, g.dev, seq),
		Article: fmt.Sprintf("bench-article-%d", g.rng.IntN(20)),
		Source:  "https://example.org/bench/canal",
		Target: anchor.Selector{
			Exact:  exact,
			Prefix: "the words that come before it ",
			Suffix: " and the words after it, too",
			Start:  start,
			End:    start + len(exact),
			Hash:   passageHash,
		},
		Color:    annotation.Colors[g.rng.IntN(len(annotation.Colors))],
		Tags:     tags,
		Created:  g.created,
		Modified: g.created,
	}
	m := msync.Mutation{
		ID: g.next, Op: msync.OpUpsert, Kind: msync.KindAnnotation, Object: a.ID,
		HLC:    g.base + msync.HLC(g.next),
		Fields: msync.AnnotationFields(&a, nil),
	}
	g.next++
	g.made = append(g.made, a)
	b.creates = append(b.creates, a.ID)
	return m
}

// edit changes the note and colour of the device's i-th annotation.
func (g *batchGen) edit(i int, b *batch) msync.Mutation {
	old := g.made[i]
	a := old
	a.Note = fmt.Sprintf("Note %d from %s: *why* this passage matters.", g.next, g.clientID)
	for a.Color == old.Color {
		a.Color = annotation.Colors[g.rng.IntN(len(annotation.Colors))]
	}
	m := msync.Mutation{
		ID: g.next, Op: msync.OpUpsert, Kind: msync.KindAnnotation, Object: a.ID,
		HLC:    g.base + msync.HLC(g.next),
		Fields: msync.AnnotationFields(&a, &old),
	}
	g.next++
	g.made[i] = a
	b.edits = append(b.edits, edit{a.ID, a.Note})
	return m
}

func (g *batchGen) encode(muts []msync.Mutation) []byte {
	body, err := json.Marshal(msync.PushRequest{Protocol: msync.Protocol, ClientID: g.clientID, Mutations: muts})
	if err != nil {
		panic(fmt.Sprintf("bench: encode a push: %v", err)) // only maps of raw JSON and plain values
	}
	return body
}

// annotationID returns a UUID-shaped id unique to the user, device and
// sequence number.
func annotationID(user, dev, seq int) string {
	return fmt.Sprintf("%08x-0000-7000-8%03x-%012x", user, dev&0xfff, seq)
}
