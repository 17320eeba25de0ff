package store

import (
	"context"
	"iter"
	"strconv"
	"strings"
)

// rowsPerInsert bounds the rows of one multi-row INSERT, keeping its
// parameters far below both databases' limits.
const rowsPerInsert = 100

// insertRows inserts rows, each a list of values for the columns prefix
// names, rowsPerInsert at a time: prefix ends in VALUES, suffix (an ON
// CONFLICT clause, or empty) follows the rows.
func insertRows(ctx context.Context, tx querier, prefix, suffix string, rows [][]any) error {
	for chunk := range chunks(rows, rowsPerInsert) {
		var b strings.Builder
		b.WriteString(prefix)
		args := make([]any, 0, len(chunk)*len(chunk[0]))
		for i, r := range chunk {
			if i > 0 {
				b.WriteByte(',')
			}
			b.WriteByte('(')
			b.WriteString(params(len(args)+1, len(r)))
			b.WriteByte(')')
			args = append(args, r...)
		}
		b.WriteString(suffix)
		if _, err := tx.ExecContext(ctx, b.String(), args...); err != nil {
			return err
		}
	}
	return nil
}

// params returns "$from, $from+1, …", n parameters.
func params(from, n int) string {
	var b strings.Builder
	for i := range n {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteByte('$')
		b.WriteString(strconv.Itoa(from + i))
	}
	return b.String()
}

// chunks yields s in pieces of at most n.
func chunks[T any](s []T, n int) iter.Seq[[]T] {
	return func(yield func([]T) bool) {
		for len(s) > 0 {
			k := min(n, len(s))
			if !yield(s[:k]) {
				return
			}
			s = s[k:]
		}
	}
}

func appendStrings(args []any, ss []string) []any {
	for _, s := range ss {
		args = append(args, s)
	}
	return args
}
