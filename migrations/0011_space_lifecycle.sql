-- Space lifecycle (issue 26): retention per space, a deadline stored per
-- trashed row, exact storage counters per space and type, an optional
-- quota, and audit actions beyond the four bulk ones.

-- How long this space keeps deleted items (days), and its quota (bytes of
-- live and trashed files together; NULL: none).
ALTER TABLE spaces ADD COLUMN retention_days INTEGER NOT NULL DEFAULT 14
    CHECK (retention_days BETWEEN 1 AND 365);
ALTER TABLE spaces ADD COLUMN quota_bytes INTEGER CHECK (quota_bytes IS NULL OR quota_bytes > 0);

-- Each trashed row keeps the deadline it was given when it was deleted
-- (deleted_at + the space's retention then), so that shortening the
-- retention never takes time already promised; lengthening moves the
-- deadlines of what is in Trash now. Restorable while now < expires_at; the
-- purge removes rows whose expires_at has come.
ALTER TABLE assets  ADD COLUMN expires_at INTEGER;
ALTER TABLE folders ADD COLUMN expires_at INTEGER;
UPDATE assets  SET expires_at = deleted_at + 14 * 86400000 WHERE deleted_at IS NOT NULL;
UPDATE folders SET expires_at = deleted_at + 14 * 86400000 WHERE deleted_at IS NOT NULL;

-- A trashed row always has its deadline and a live one none (a CHECK
-- cannot be added to a column that existing rows would fail before the
-- backfill above, so triggers hold the rule, as a CHECK would).
CREATE TRIGGER assets_expiry_insert BEFORE INSERT ON assets
WHEN (NEW.deleted_at IS NULL) <> (NEW.expires_at IS NULL)
BEGIN
    SELECT RAISE(ABORT, 'assets.expires_at must be set exactly when deleted_at is');
END;
CREATE TRIGGER assets_expiry_update BEFORE UPDATE OF deleted_at, expires_at ON assets
WHEN (NEW.deleted_at IS NULL) <> (NEW.expires_at IS NULL)
BEGIN
    SELECT RAISE(ABORT, 'assets.expires_at must be set exactly when deleted_at is');
END;
CREATE TRIGGER folders_expiry_insert BEFORE INSERT ON folders
WHEN (NEW.deleted_at IS NULL) <> (NEW.expires_at IS NULL)
BEGIN
    SELECT RAISE(ABORT, 'folders.expires_at must be set exactly when deleted_at is');
END;
CREATE TRIGGER folders_expiry_update BEFORE UPDATE OF deleted_at, expires_at ON folders
WHEN (NEW.deleted_at IS NULL) <> (NEW.expires_at IS NULL)
BEGIN
    SELECT RAISE(ABORT, 'folders.expires_at must be set exactly when deleted_at is');
END;

-- The purge's scan, and Trash's "Expires" filter and banner per space.
DROP INDEX assets_expiry;
CREATE INDEX assets_expiry  ON assets  (expires_at)           WHERE deleted_at IS NOT NULL;
CREATE INDEX assets_expiring ON assets (space_id, expires_at) WHERE deleted_at IS NOT NULL;
CREATE INDEX folders_expiry ON folders (expires_at)           WHERE deleted_at IS NOT NULL;
CREATE INDEX folders_expiring ON folders (space_id, expires_at) WHERE deleted_at IS NOT NULL;

-- Storage per space and type: live and trashed assets, counted and summed,
-- kept exact by the triggers below through every upload, move to and from
-- Trash and removal, so that Space Settings and the quota read five rows
-- instead of summing every asset.
CREATE TABLE space_storage (
    space_id     INTEGER NOT NULL REFERENCES spaces (id) ON DELETE CASCADE,
    kind         TEXT    NOT NULL CHECK (kind IN ('image', 'document', 'video', 'audio', 'other')),
    live_assets  INTEGER NOT NULL DEFAULT 0 CHECK (live_assets >= 0),
    live_bytes   INTEGER NOT NULL DEFAULT 0 CHECK (live_bytes >= 0),
    trash_assets INTEGER NOT NULL DEFAULT 0 CHECK (trash_assets >= 0),
    trash_bytes  INTEGER NOT NULL DEFAULT 0 CHECK (trash_bytes >= 0),
    PRIMARY KEY (space_id, kind)
) WITHOUT ROWID;

INSERT INTO space_storage (space_id, kind, live_assets, live_bytes, trash_assets, trash_bytes)
SELECT space_id, kind,
       SUM(deleted_at IS NULL), SUM(CASE WHEN deleted_at IS NULL THEN size_bytes ELSE 0 END),
       SUM(deleted_at IS NOT NULL), SUM(CASE WHEN deleted_at IS NOT NULL THEN size_bytes ELSE 0 END)
FROM assets GROUP BY space_id, kind;

CREATE TRIGGER assets_storage_insert AFTER INSERT ON assets
BEGIN
    INSERT OR IGNORE INTO space_storage (space_id, kind) VALUES (NEW.space_id, NEW.kind);
    UPDATE space_storage SET
        live_assets  = live_assets  + (NEW.deleted_at IS NULL),
        live_bytes   = live_bytes   + (CASE WHEN NEW.deleted_at IS NULL THEN NEW.size_bytes ELSE 0 END),
        trash_assets = trash_assets + (NEW.deleted_at IS NOT NULL),
        trash_bytes  = trash_bytes  + (CASE WHEN NEW.deleted_at IS NOT NULL THEN NEW.size_bytes ELSE 0 END)
    WHERE space_id = NEW.space_id AND kind = NEW.kind;
END;

CREATE TRIGGER assets_storage_delete AFTER DELETE ON assets
BEGIN
    UPDATE space_storage SET
        live_assets  = live_assets  - (OLD.deleted_at IS NULL),
        live_bytes   = live_bytes   - (CASE WHEN OLD.deleted_at IS NULL THEN OLD.size_bytes ELSE 0 END),
        trash_assets = trash_assets - (OLD.deleted_at IS NOT NULL),
        trash_bytes  = trash_bytes  - (CASE WHEN OLD.deleted_at IS NOT NULL THEN OLD.size_bytes ELSE 0 END)
    WHERE space_id = OLD.space_id AND kind = OLD.kind;
END;

-- Into or out of Trash: one UPDATE of the row (the common case, and the
-- cost every bulk move pays per asset, so it is kept to one statement).
CREATE TRIGGER assets_storage_trash AFTER UPDATE OF deleted_at ON assets
WHEN (OLD.deleted_at IS NULL) <> (NEW.deleted_at IS NULL)
  AND OLD.size_bytes = NEW.size_bytes AND OLD.kind = NEW.kind AND OLD.space_id = NEW.space_id
BEGIN
    UPDATE space_storage SET
        live_assets  = live_assets  + (CASE WHEN NEW.deleted_at IS NULL THEN 1 ELSE -1 END),
        live_bytes   = live_bytes   + (CASE WHEN NEW.deleted_at IS NULL THEN NEW.size_bytes ELSE -NEW.size_bytes END),
        trash_assets = trash_assets - (CASE WHEN NEW.deleted_at IS NULL THEN 1 ELSE -1 END),
        trash_bytes  = trash_bytes  - (CASE WHEN NEW.deleted_at IS NULL THEN NEW.size_bytes ELSE -NEW.size_bytes END)
    WHERE space_id = NEW.space_id AND kind = NEW.kind;
END;

-- A change of size, type or space (with or without Trash): the old state
-- out, the new one in.
CREATE TRIGGER assets_storage_update AFTER UPDATE OF deleted_at, size_bytes, kind, space_id ON assets
WHEN OLD.size_bytes <> NEW.size_bytes OR OLD.kind <> NEW.kind OR OLD.space_id <> NEW.space_id
BEGIN
    UPDATE space_storage SET
        live_assets  = live_assets  - (OLD.deleted_at IS NULL),
        live_bytes   = live_bytes   - (CASE WHEN OLD.deleted_at IS NULL THEN OLD.size_bytes ELSE 0 END),
        trash_assets = trash_assets - (OLD.deleted_at IS NOT NULL),
        trash_bytes  = trash_bytes  - (CASE WHEN OLD.deleted_at IS NOT NULL THEN OLD.size_bytes ELSE 0 END)
    WHERE space_id = OLD.space_id AND kind = OLD.kind;
    INSERT OR IGNORE INTO space_storage (space_id, kind) VALUES (NEW.space_id, NEW.kind);
    UPDATE space_storage SET
        live_assets  = live_assets  + (NEW.deleted_at IS NULL),
        live_bytes   = live_bytes   + (CASE WHEN NEW.deleted_at IS NULL THEN NEW.size_bytes ELSE 0 END),
        trash_assets = trash_assets + (NEW.deleted_at IS NOT NULL),
        trash_bytes  = trash_bytes  + (CASE WHEN NEW.deleted_at IS NOT NULL THEN NEW.size_bytes ELSE 0 END)
    WHERE space_id = NEW.space_id AND kind = NEW.kind;
END;

-- The audit log takes every change (DESIGN.md §4), not only the four bulk
-- ones: SQLite cannot alter a CHECK, so the table is rebuilt with the wider
-- list (issue 27's actions included) and a `detail` (JSON: what a setting
-- was and became, the names as they were, ...).
CREATE TABLE audit_log_new (
    id          INTEGER PRIMARY KEY,
    space_id    INTEGER NOT NULL REFERENCES spaces (id),
    -- NULL when the system acted (the purge job).
    actor_id    INTEGER REFERENCES users (id) ON DELETE SET NULL,
    action      TEXT    NOT NULL CHECK (action IN (
                    'upload', 'rename', 'move_to_folder', 'folder_created', 'folder_renamed',
                    'move_to_trash', 'undo', 'restore', 'delete_permanently', 'purge',
                    'empty_trash', 'token_created', 'token_revoked', 'settings_changed',
                    'member_added', 'role_changed')),
    batch       TEXT,
    -- JSON array of asset ids; ids outlive purged rows here.
    asset_ids   TEXT    NOT NULL,
    asset_count INTEGER NOT NULL,
    at          INTEGER NOT NULL,
    folder_ids  TEXT    NOT NULL DEFAULT '[]',
    token_id    INTEGER REFERENCES api_tokens (id) ON DELETE SET NULL,
    detail      TEXT
);
INSERT INTO audit_log_new (id, space_id, actor_id, action, batch, asset_ids, asset_count, at,
                           folder_ids, token_id)
SELECT id, space_id, actor_id, action, batch, asset_ids, asset_count, at, folder_ids, token_id
FROM audit_log;
DROP TABLE audit_log;
ALTER TABLE audit_log_new RENAME TO audit_log;
CREATE INDEX audit_log_by_space ON audit_log (space_id, at);
