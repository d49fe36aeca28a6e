-- A new password ends the account's sessions, PostgreSQL twin of
-- ../0006_session_validity.sql: `upsert_user` counts `session_generation`
-- up when the hash changes, each session keeps the generation it signed in
-- under (app/src/auth/session.rs), and one from an earlier generation is
-- ended when it is next used. A count, not a time: the CLI's clock and the
-- servers' may differ. Sessions from before this migration read as 0.
ALTER TABLE users ADD COLUMN session_generation BIGINT NOT NULL DEFAULT 0;
