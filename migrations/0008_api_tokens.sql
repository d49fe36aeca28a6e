-- API tokens: how other systems (a CMS, a build) call `/api/*` as the
-- person who made the token, in one space, with at most the role chosen
-- for it (never above the maker's own role there, checked on every use).
-- Only a digest is stored: the hex SHA-256 of the whole token text
-- (`trove_pat_` and 43 base64url characters, 256 random bits), so a copy
-- of the database gives no usable token. A revoked token keeps its row
-- (its name stays readable in the audit log) and stops working at once.
CREATE TABLE api_tokens (
    id           INTEGER PRIMARY KEY,
    space_id     INTEGER NOT NULL REFERENCES spaces (id) ON DELETE CASCADE,
    user_id      INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    name         TEXT    NOT NULL,
    role         TEXT    NOT NULL CHECK (role IN ('admin', 'asset_manager', 'viewer')),
    digest       TEXT    NOT NULL UNIQUE,
    created_at   INTEGER NOT NULL,
    -- Written at most once a minute per token (see `auth::tokens`).
    last_used_at INTEGER,
    revoked_at   INTEGER,
    revoked_by   INTEGER REFERENCES users (id) ON DELETE SET NULL
);

-- Names are unique among a space's live tokens, ignoring case, so that
-- "Revoke {name}" names one row.
CREATE UNIQUE INDEX api_tokens_live_name ON api_tokens (space_id, lower(name))
    WHERE revoked_at IS NULL;
CREATE INDEX api_tokens_by_space ON api_tokens (space_id, created_at, id);
CREATE INDEX api_tokens_by_user ON api_tokens (user_id);

-- A change made with a token is the person's "via token {name}".
ALTER TABLE audit_log ADD COLUMN token_id INTEGER REFERENCES api_tokens (id) ON DELETE SET NULL;
