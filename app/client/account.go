package client

import (
	"context"
)

// User is an account as the API shows it.
type User struct {
	ID   string `json:"id"`
	Name string `json:"name"`
}

// credentials is the body of sign-up and sign-in.
type credentials struct {
	Name     string `json:"name"`
	Password string `json:"password"`
}

// userAnswer is the answer of sign-up, sign-in and the session.
type userAnswer struct {
	User User `json:"user"`
}

// SignUp creates an account and signs in to it. The server may refuse:
// code "name_taken" (409), "signup_closed" (403), or a bad name or short
// password (400); the *Error's Message says so in a sentence.
func (c *Client) SignUp(ctx context.Context, name, password string) (User, error) {
	var out userAnswer
	err := c.call(ctx, "POST", "/api/users", credentials{Name: name, Password: password}, &out)
	return out.User, err
}

// SignIn starts a session. A wrong name or password is code
// "bad_credentials" (401); too many attempts are "rate_limited" (429) with
// RetryAfter set.
func (c *Client) SignIn(ctx context.Context, name, password string) (User, error) {
	var out userAnswer
	err := c.call(ctx, "POST", "/api/session", credentials{Name: name, Password: password}, &out)
	return out.User, err
}

// Session returns the signed-in user; without a session the error
// matches ErrSignedOut.
func (c *Client) Session(ctx context.Context) (User, error) {
	var out userAnswer
	err := c.call(ctx, "GET", "/api/session", nil, &out)
	return out.User, err
}

// SignOut ends the session. With erase, the server also asks the browser
// to clear the site's caches and storage (Clear-Site-Data).
func (c *Client) SignOut(ctx context.Context, erase bool) error {
	path := "/api/session"
	if erase {
		path += "?erase=1"
	}
	return c.call(ctx, "DELETE", path, nil, nil)
}

// ChangePassword replaces the password; the user's other sessions end.
func (c *Client) ChangePassword(ctx context.Context, password, newPassword string) error {
	return c.call(ctx, "POST", "/api/account/password", struct {
		Password    string `json:"password"`
		NewPassword string `json:"new_password"`
	}{password, newPassword}, nil)
}

// DeleteAccount deletes the signed-in user and all their data, once the
// password confirms it.
func (c *Client) DeleteAccount(ctx context.Context, password string) error {
	return c.call(ctx, "DELETE", "/api/account", struct {
		Password string `json:"password"`
	}{password}, nil)
}
