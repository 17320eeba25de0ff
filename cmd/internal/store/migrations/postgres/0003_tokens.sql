-- Personal API tokens, for the bookmarklet and scripts. Only the SHA-256
-- of a token's secret is kept, so a copy of the database can use none.
-- The SQLite schema (../sqlite/0003_tokens.sql) is the same but for types.

CREATE TABLE api_tokens (
	id           TEXT PRIMARY KEY,
	user_id      TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
	name         TEXT NOT NULL,
	hash         TEXT NOT NULL UNIQUE,     -- hex SHA-256 of the secret
	scopes       TEXT NOT NULL,            -- space-separated: "import"
	created_at   BIGINT NOT NULL,
	last_used_at BIGINT NOT NULL DEFAULT 0 -- 0: never used
);
CREATE INDEX api_tokens_user ON api_tokens(user_id);
