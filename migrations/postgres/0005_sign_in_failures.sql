-- The sign-in throttle's windows (app/src/rate_limit.rs), PostgreSQL twin of
-- ../0005_sign_in_failures.sql: in the database so that every Trove server
-- behind a load balancer counts the same failures. `key` is "pair:", "ip:"
-- or "account:" and a SHA-256 (hex) of the account's normalised email
-- and/or the client's address: no email or address is stored. A window is
-- `window_ms` long from `started`; ended windows are deleted by the purge job.
CREATE TABLE sign_in_failures (
    key      TEXT   COLLATE "C" PRIMARY KEY,
    started  BIGINT NOT NULL,
    failures BIGINT NOT NULL
);

CREATE INDEX sign_in_failures_started ON sign_in_failures (started);
