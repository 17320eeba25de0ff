package client

import (
	"context"

	"margin/app/library"
)

// Import asks the server to fetch the page at url and add its article to
// the signed-in user's library; fresh asks for a new copy even when the
// page is already there. existing reports that it was, and the summary is
// of that article. A refusal is an *Error whose Message says why in a
// sentence ("The site answered 404.").
func (c *Client) Import(ctx context.Context, url string, fresh bool) (s library.Summary, existing bool, err error) {
	in := struct {
		URL   string `json:"url"`
		Fresh bool   `json:"fresh,omitempty"`
	}{url, fresh}
	var out struct {
		Article  library.Summary `json:"article"`
		Existing bool            `json:"existing"`
	}
	if err := c.call(ctx, "POST", "/api/import", in, &out); err != nil {
		return library.Summary{}, false, err
	}
	return out.Article, out.Existing, nil
}
