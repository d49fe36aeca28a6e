-- Substring search over asset names at any scale, PostgreSQL twin of
-- ../0002_name_search.sql. SQLite keeps an FTS5 trigram table
-- (`asset_names`) in step with `assets` by triggers; here a GIN trigram
-- index on the lower-cased name does the same job with no table and no
-- triggers, for live and trashed rows alike. Its expression is the one the
-- app's PostgreSQL search writes:
--     lower(a.name COLLATE "C") LIKE lower($n) ESCAPE '\'
-- (`LIKE` is not supported on the nondeterministic `nocase` collation, hence
-- the explicit "C"; `lower` then folds case as NOCASE ignores it.)
CREATE EXTENSION IF NOT EXISTS pg_trgm;

CREATE INDEX assets_name_trgm ON assets USING gin (lower(name COLLATE "C") gin_trgm_ops);

-- Prefix search in Trash (terms under 3 characters), as
-- `assets_live_by_name` serves it in the listing.
CREATE INDEX assets_trashed_by_name ON assets (space_id, name, id) WHERE deleted_at IS NOT NULL;
