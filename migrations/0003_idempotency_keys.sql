-- Idempotency-Key: the first answer to a mutation, kept 24 hours so that
-- a retried request (same user, same key, same request) gets it again
-- instead of acting twice. `status` is NULL while the first request is in
-- progress. Old rows are deleted by the purge job.
CREATE TABLE idempotency_keys (
    user_id      INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    key          TEXT NOT NULL,
    -- SHA-256 of the method, path and query, and body.
    request_hash BLOB NOT NULL,
    created_at   INTEGER NOT NULL,
    status       INTEGER,
    content_type TEXT,
    body         BLOB,
    PRIMARY KEY (user_id, key)
);

CREATE INDEX idempotency_keys_created ON idempotency_keys (created_at);
