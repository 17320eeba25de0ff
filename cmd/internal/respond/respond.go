// Package respond writes every JSON answer and every error answer of the
// API: one shape, {"error": "a sentence for a person", "code": "word"},
// and one log line for each failure.
package respond

import (
	"encoding/json"
	"log/slog"
	"net/http"
)

// Problem is an error answer.
type Problem struct {
	Status  int    `json:"-"`
	Message string `json:"error"`
	Code    string `json:"code"`
}

// JSON writes v with the given status.
func JSON(w http.ResponseWriter, status int, v any) {
	b, err := json.Marshal(v)
	if err != nil {
		slog.Error("respond: encode answer", "err", err)
		status = http.StatusInternalServerError
		b = []byte(`{"error":"The server could not write its answer.","code":"internal"}`)
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	w.Write(append(b, '\n'))
}

// Error writes p and logs it with the request and the underlying error,
// which the person never sees.
func Error(w http.ResponseWriter, r *http.Request, p Problem, err error) {
	level := slog.LevelInfo
	if p.Status >= 500 {
		level = slog.LevelError
	}
	slog.Log(r.Context(), level, "request refused",
		"method", r.Method, "path", r.URL.Path, "status", p.Status, "code", p.Code, "err", err)
	JSON(w, p.Status, p)
}

// NotFound is the answer for something that does not exist, or that the
// asker may not see.
func NotFound(what string) Problem {
	return Problem{Status: http.StatusNotFound, Code: "not_found", Message: "There is no " + what + " here. Check the address."}
}

// Internal is the answer when the server failed.
func Internal() Problem {
	return Problem{Status: http.StatusInternalServerError, Code: "internal", Message: "Something went wrong on the server. Try again in a moment."}
}
