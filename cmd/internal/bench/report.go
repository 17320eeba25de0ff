package main

import (
	"fmt"
	"io"
	"strings"
	"unicode/utf8"
)

// report prints the figures as they come and keeps the verdicts for the
// summary at the end.
type report struct {
	w       io.Writer
	targets []verdict
	errs    []string
}

// verdict is one target's outcome.
type verdict struct {
	name string
	got  string
	want string
	pass bool
}

func (r *report) printf(format string, args ...any) {
	fmt.Fprintf(r.w, format, args...)
}

// section starts a numbered part of the report.
func (r *report) section(title string) {
	r.printf("\n%s\n%s\n", title, strings.Repeat("─", len([]rune(title))))
}

// table prints rows with aligned columns; the first row is the header.
// align has one letter a column: 'l' for left, anything else for right.
func (r *report) table(align string, rows [][]string) {
	var widths []int
	for _, row := range rows {
		for i, cell := range row {
			if i == len(widths) {
				widths = append(widths, 0)
			}
			widths[i] = max(widths[i], utf8.RuneCountInString(cell))
		}
	}
	for _, row := range rows {
		var b strings.Builder
		b.WriteString("  ")
		for i, cell := range row {
			pad := strings.Repeat(" ", widths[i]-utf8.RuneCountInString(cell))
			if i > 0 {
				b.WriteString("  ")
			}
			if i < len(align) && align[i] == 'l' {
				b.WriteString(cell + pad)
			} else {
				b.WriteString(pad + cell)
			}
		}
		r.printf("%s\n", strings.TrimRight(b.String(), " "))
	}
}

// atMost records the target got ≤ limit, for a ratio.
func (r *report) atMost(name string, got, limit float64) {
	r.target(name, fmt.Sprintf("%.2f×", got), fmt.Sprintf("≤ %.2f×", limit), got <= limit)
}

// atLeast records the target got ≥ limit, for a ratio.
func (r *report) atLeast(name string, got, limit float64) {
	r.target(name, fmt.Sprintf("%.2f×", got), fmt.Sprintf("≥ %.2f×", limit), got >= limit)
}

// under records the target got < limit, in milliseconds.
func (r *report) under(name string, got, limit float64) {
	r.target(name, fmt.Sprintf("%.1f ms", got), fmt.Sprintf("< %.0f ms", limit), got < limit)
}

func (r *report) target(name, got, want string, pass bool) {
	v := verdict{name: name, got: got, want: want, pass: pass}
	r.targets = append(r.targets, v)
	r.printf("  target: %-50s %9s  (want %s)  %s\n", name, got, want, v.word())
}

func (v verdict) word() string {
	if v.pass {
		return "PASS"
	}
	return "FAIL — MISSED"
}

// fail records that a part of the bench could not produce its figures.
func (r *report) fail(part string, err error) {
	msg := fmt.Sprintf("%s: %v", part, err)
	r.errs = append(r.errs, msg)
	r.printf("  HARNESS ERROR in %s\n", msg)
}

// summary prints every verdict together.
func (r *report) summary() {
	r.section("Summary")
	missed := 0
	for _, v := range r.targets {
		if !v.pass {
			missed++
		}
		r.printf("  %-13s %-50s %9s  (want %s)\n", v.word(), v.name, v.got, v.want)
	}
	r.printf("\n  %d of %d targets met", len(r.targets)-missed, len(r.targets))
	if missed > 0 {
		r.printf("; MISSED: %d", missed)
	}
	r.printf(".\n")
	for _, e := range r.errs {
		r.printf("  HARNESS ERROR: %s\n", e)
	}
}

// ms formats a duration in milliseconds.
func ms(v float64) string { return fmt.Sprintf("%.1f ms", v) }

// ratio formats a/b, or "—" when b is zero.
func ratio(a, b float64) string {
	if b == 0 {
		return "—"
	}
	return fmt.Sprintf("%.2f×", a/b)
}

// bytesize formats a byte count with thousands separators and in MB.
func bytesize(n int64) string {
	return fmt.Sprintf("%s B (%.2f MB)", thousands(n), float64(n)/1e6)
}

func thousands(n int64) string {
	s := fmt.Sprint(n)
	if n < 0 {
		return "-" + thousands(-n)
	}
	var b strings.Builder
	for i, c := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	return b.String()
}
