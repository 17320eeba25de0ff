-- Images of imported articles, stored once by content hash, and an index
-- of each user's article objects: listing a library or finding an article
-- by address reads this small table, never the models in objects.fields.
-- The SQLite schema (../sqlite/0002_media.sql) is the same but for types.

CREATE TABLE media (
	hash       TEXT PRIMARY KEY, -- hex SHA-256 of bytes
	type       TEXT NOT NULL,    -- image/png, image/jpeg…
	bytes      BYTEA NOT NULL,
	size       BIGINT NOT NULL,
	created_at BIGINT NOT NULL
);

-- One row per live article object (kind 'article'), written in the same
-- transaction as the object; a deleted article has no row.
CREATE TABLE article_index (
	user_id    TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
	id         TEXT NOT NULL,
	url        TEXT NOT NULL DEFAULT '', -- the model's meta url: the canonical address
	summary    TEXT NOT NULL,            -- JSON {"id", "meta"}, as the library lists it
	version    BIGINT NOT NULL,          -- the object's version
	created_at BIGINT NOT NULL,
	PRIMARY KEY (user_id, id)
);
CREATE INDEX article_index_url ON article_index(user_id, url) WHERE url <> '';
