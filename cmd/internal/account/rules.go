package account

import (
	"errors"
	"unicode/utf8"
)

// Limits of names and passwords.
const (
	MaxName        = 64
	MinPassword    = 8    // characters
	MaxPassword    = 1024 // bytes: argon2 reads all of it, so it is bounded
	nameCharacters = "letters a–z, digits, '.', '_' and '-'"
)

// ErrRule is returned, wrapped, for a name or password that breaks the
// rules; its text is a sentence for the person who typed it.
var ErrRule = errors.New("account: rule")

type ruleError string

func (e ruleError) Error() string { return string(e) }
func (e ruleError) Unwrap() error { return ErrRule }

// CheckName reports whether name may name an account: 1 to 64 ASCII
// letters, digits, '.', '_' or '-'. ASCII only, because names are unique
// regardless of case and both databases fold ASCII case the same way,
// and because look-alike letters from other scripts would let one person
// pass for another.
func CheckName(name string) error {
	if name == "" || len(name) > MaxName {
		return ruleError("A name is 1 to 64 characters long.")
	}
	for i := 0; i < len(name); i++ {
		c := name[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '.' || c == '_' || c == '-') {
			return ruleError("A name may hold only " + nameCharacters + ".")
		}
	}
	return nil
}

// CheckPassword reports whether password may be set: at least 8
// characters and at most 1024 bytes of UTF-8.
func CheckPassword(password string) error {
	if !utf8.ValidString(password) {
		return ruleError("A password must be text.")
	}
	if utf8.RuneCountInString(password) < MinPassword {
		return ruleError("A password has at least 8 characters.")
	}
	if len(password) > MaxPassword {
		return ruleError("A password is at most 1024 bytes long.")
	}
	return nil
}
