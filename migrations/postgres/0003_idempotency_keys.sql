-- Idempotency-Key, PostgreSQL twin of ../0003_idempotency_keys.sql: the
-- first answer to a mutation, kept 24 hours so that a retried request (same
-- user, same key, same request) gets it again instead of acting twice.
-- `status` is NULL while the first request is in progress. Old rows are
-- deleted by the purge job.
CREATE TABLE idempotency_keys (
    user_id      BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    key          TEXT   COLLATE "C" NOT NULL,
    -- SHA-256 of the method, path and query, and body.
    request_hash BYTEA  NOT NULL,
    created_at   BIGINT NOT NULL,
    status       BIGINT,
    content_type TEXT   COLLATE "C",
    body         BYTEA,
    PRIMARY KEY (user_id, key)
);

CREATE INDEX idempotency_keys_created ON idempotency_keys (created_at);
