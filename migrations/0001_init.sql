-- Trove's initial schema. Times are integer milliseconds since the Unix
-- epoch, taken from the server's one clock.

CREATE TABLE users (
    id            INTEGER PRIMARY KEY,
    email         TEXT    NOT NULL UNIQUE COLLATE NOCASE,
    name          TEXT    NOT NULL,
    password_hash TEXT    NOT NULL,
    created_at    INTEGER NOT NULL
);

CREATE TABLE spaces (
    id          INTEGER PRIMARY KEY,
    slug        TEXT    NOT NULL UNIQUE,
    name        TEXT    NOT NULL,
    created_at  INTEGER NOT NULL,
    -- Live (not trashed) assets, kept exact by the triggers below, so the
    -- listing's count is one row read instead of a scan of every asset.
    live_assets INTEGER NOT NULL DEFAULT 0 CHECK (live_assets >= 0)
);

CREATE TABLE memberships (
    space_id INTEGER NOT NULL REFERENCES spaces (id) ON DELETE CASCADE,
    user_id  INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    role     TEXT    NOT NULL CHECK (role IN ('owner', 'admin', 'asset_manager', 'viewer')),
    PRIMARY KEY (space_id, user_id)
) WITHOUT ROWID;

CREATE INDEX memberships_by_user ON memberships (user_id);

CREATE TABLE assets (
    id            INTEGER PRIMARY KEY,
    space_id      INTEGER NOT NULL REFERENCES spaces (id),
    -- Case-insensitive, so sorting and keyset comparisons treat "b" and "B" alike.
    name          TEXT    NOT NULL COLLATE NOCASE,
    mime_type     TEXT    NOT NULL,
    kind          TEXT    NOT NULL CHECK (kind IN ('image', 'document', 'video', 'audio', 'other')),
    size_bytes    INTEGER NOT NULL CHECK (size_bytes >= 0),
    width         INTEGER,
    height        INTEGER,
    -- Random and unguessable; names the file under data/files.
    storage_key   TEXT    NOT NULL UNIQUE,
    has_thumbnail INTEGER NOT NULL DEFAULT 0 CHECK (has_thumbnail IN (0, 1)),
    created_by    INTEGER REFERENCES users (id) ON DELETE SET NULL,
    created_at    INTEGER NOT NULL,
    updated_at    INTEGER NOT NULL,
    -- Trash: set together when an asset is moved to Trash, cleared on restore.
    deleted_at    INTEGER,
    deleted_by    INTEGER REFERENCES users (id) ON DELETE SET NULL,
    delete_batch  TEXT,
    CHECK ((deleted_at IS NULL) = (delete_batch IS NULL))
);

-- The listing: one partial index per sort, live assets only, id as the
-- tie-breaker, so every page is a range scan from the keyset cursor.
CREATE INDEX assets_live_by_name     ON assets (space_id, name, id)       WHERE deleted_at IS NULL;
CREATE INDEX assets_live_by_modified ON assets (space_id, updated_at, id) WHERE deleted_at IS NULL;
CREATE INDEX assets_live_by_size     ON assets (space_id, size_bytes, id) WHERE deleted_at IS NULL;
-- Trash, newest first, and the purge's scan for expired assets.
CREATE INDEX assets_trashed ON assets (space_id, deleted_at, id) WHERE deleted_at IS NOT NULL;
CREATE INDEX assets_expiry  ON assets (deleted_at)               WHERE deleted_at IS NOT NULL;
-- Undo restores one batch.
CREATE INDEX assets_by_batch ON assets (delete_batch) WHERE delete_batch IS NOT NULL;

-- Keep spaces.live_assets exact through every insert, trash, restore and delete.
CREATE TRIGGER assets_live_count_insert AFTER INSERT ON assets
WHEN NEW.deleted_at IS NULL
BEGIN
    UPDATE spaces SET live_assets = live_assets + 1 WHERE id = NEW.space_id;
END;

CREATE TRIGGER assets_live_count_delete AFTER DELETE ON assets
WHEN OLD.deleted_at IS NULL
BEGIN
    UPDATE spaces SET live_assets = live_assets - 1 WHERE id = OLD.space_id;
END;

CREATE TRIGGER assets_live_count_trash AFTER UPDATE OF deleted_at ON assets
WHEN OLD.deleted_at IS NULL AND NEW.deleted_at IS NOT NULL
BEGIN
    UPDATE spaces SET live_assets = live_assets - 1 WHERE id = NEW.space_id;
END;

CREATE TRIGGER assets_live_count_restore AFTER UPDATE OF deleted_at ON assets
WHEN OLD.deleted_at IS NOT NULL AND NEW.deleted_at IS NULL
BEGIN
    UPDATE spaces SET live_assets = live_assets + 1 WHERE id = NEW.space_id;
END;

-- Every delete, restore and purge (DESIGN.md §4).
CREATE TABLE audit_log (
    id          INTEGER PRIMARY KEY,
    space_id    INTEGER NOT NULL REFERENCES spaces (id),
    -- NULL when the system acted (the purge job).
    actor_id    INTEGER REFERENCES users (id) ON DELETE SET NULL,
    action      TEXT    NOT NULL CHECK (action IN ('move_to_trash', 'restore', 'delete_permanently', 'purge')),
    batch       TEXT,
    -- JSON array of asset ids; ids outlive purged rows here.
    asset_ids   TEXT    NOT NULL,
    asset_count INTEGER NOT NULL,
    at          INTEGER NOT NULL
);

CREATE INDEX audit_log_by_space ON audit_log (space_id, at);
