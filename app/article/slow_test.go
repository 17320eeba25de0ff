package article

import (
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
)

func TestSlowCorpus(t *testing.T) {
	dir := os.Getenv("CORPUS")
	if dir == "" {
		t.Skip()
	}
	files, _ := filepath.Glob(filepath.Join(dir, "*"))
	for _, f := range files {
		b, _ := os.ReadFile(f)
		lines := strings.Split(string(b), "\n")
		var vals []string
		for _, l := range lines[1:] {
			if strings.HasPrefix(l, "string(") {
				v, err := strconv.Unquote(strings.TrimSuffix(strings.TrimPrefix(l, "string("), ")"))
				if err != nil {
					t.Fatal(err)
				}
				vals = append(vals, v)
			}
		}
		start := time.Now()
		switch os.Getenv("KIND") {
		case "md":
			a, err := FromMarkdown(vals[0])
			if err == nil {
				check(t, a)
			}
		case "txt":
			a, _ := FromText(vals[0])
			check(t, a)
		default:
			a, _ := FromHTML(vals[0], vals[1])
			check(t, a)
		}
		if d := time.Since(start); d > 100*time.Millisecond {
			fmt.Println(f, d, len(vals[0]))
		}
	}
}
