-- A new password ends the account's sessions (`trove user add` on an
-- existing account): `upsert_user` counts `session_generation` up when the
-- hash changes, each session keeps the generation it signed in under
-- (app/src/auth/session.rs), and one from an earlier generation is ended
-- when it is next used. Sessions are encoded blobs in their own table and
-- cannot be found by user, hence a mark on the user. A count, not a time:
-- the CLI's clock and the servers' may differ (`TROVE_CLOCK_OFFSET`).
-- Sessions from before this migration read as generation 0, still valid.
ALTER TABLE users ADD COLUMN session_generation INTEGER NOT NULL DEFAULT 0;
