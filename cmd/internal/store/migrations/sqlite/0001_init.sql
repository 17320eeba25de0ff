-- Accounts, sessions and synced objects. Times are Unix milliseconds, ids
-- are text; the PostgreSQL schema (../postgres/0001_init.sql) is the same
-- but for types and locking.

CREATE TABLE users (
	id                TEXT PRIMARY KEY,
	name              TEXT NOT NULL,
	name_key          TEXT NOT NULL UNIQUE, -- the name in lower case, for lookups
	password_hash     TEXT NOT NULL,
	created_at        INTEGER NOT NULL,
	change_seq        INTEGER NOT NULL DEFAULT 0, -- bumped per changed object; stamps versions
	tombstone_horizon INTEGER NOT NULL DEFAULT 0  -- greatest version of a purged tombstone
) STRICT;

CREATE TABLE sessions (
	hash         TEXT PRIMARY KEY, -- hex SHA-256 of the cookie's secret
	user_id      TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
	created_at   INTEGER NOT NULL,
	expires_at   INTEGER NOT NULL,
	last_seen_at INTEGER NOT NULL
) STRICT;
CREATE INDEX sessions_user ON sessions(user_id);

CREATE TABLE sync_clients (
	client_id         TEXT PRIMARY KEY,
	user_id           TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
	last_mutation_id  INTEGER NOT NULL DEFAULT 0,
	last_pull_version INTEGER NOT NULL DEFAULT 0, -- the client has every change up to it
	pulled_at         INTEGER NOT NULL DEFAULT 0, -- when last_pull_version was last written
	-- The horizon when the client last pulled from cursor 0: while it stands,
	-- that pull's later pages may go on below it.
	full_pull_horizon INTEGER NOT NULL DEFAULT -1,
	created_at        INTEGER NOT NULL,
	last_seen_at      INTEGER NOT NULL
) STRICT;
CREATE INDEX sync_clients_user ON sync_clients(user_id);

-- The hashes of each client's latest mutations, to tell a replay from a
-- reused number.
CREATE TABLE sync_mutations (
	client_id   TEXT NOT NULL REFERENCES sync_clients(client_id) ON DELETE CASCADE,
	mutation_id INTEGER NOT NULL,
	hash        TEXT NOT NULL, -- hex SHA-256 of the mutation as sent
	PRIMARY KEY (client_id, mutation_id)
) STRICT, WITHOUT ROWID;

CREATE TABLE objects (
	user_id     TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
	kind        TEXT NOT NULL,
	id          TEXT NOT NULL,
	version     INTEGER NOT NULL,           -- users.change_seq when it last changed
	deleted_hlc INTEGER NOT NULL DEFAULT 0, -- non-zero: a tombstone
	created_at  INTEGER NOT NULL,
	updated_at  INTEGER NOT NULL,
	-- The fields, one JSON document: {"name": {"value": …, "hlc": …, "by": "client"}, …}
	-- with each value as the client sent it; {} for a tombstone.
	fields      TEXT NOT NULL DEFAULT '{}',
	PRIMARY KEY (user_id, kind, id),
	UNIQUE (user_id, version)
) STRICT;
-- An annotation id is a UUID the client made: one user's, never two
-- users'. Another user's push of it is refused (not_found).
CREATE UNIQUE INDEX objects_annotation_id ON objects(id) WHERE kind = 'annotation';
CREATE INDEX objects_tombstones ON objects(user_id, version) WHERE deleted_hlc <> 0;

CREATE TABLE revisions (
	user_id     TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
	kind        TEXT NOT NULL,
	object_id   TEXT NOT NULL,
	field       TEXT NOT NULL,
	value       TEXT NOT NULL,
	hlc         INTEGER NOT NULL,
	by_client   TEXT NOT NULL,
	reason      TEXT NOT NULL, -- overwritten, lost_lww, after_delete
	recorded_at INTEGER NOT NULL
) STRICT;
CREATE INDEX revisions_object ON revisions(user_id, kind, object_id);
