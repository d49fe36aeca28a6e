-- Space lifecycle: the PostgreSQL twin of ../0011_space_lifecycle.sql (see
-- there); the storage counters are kept by statement-level triggers over
-- transition tables, as the other counters are.
ALTER TABLE spaces ADD COLUMN retention_days BIGINT NOT NULL DEFAULT 14
    CHECK (retention_days BETWEEN 1 AND 365);
ALTER TABLE spaces ADD COLUMN quota_bytes BIGINT CHECK (quota_bytes IS NULL OR quota_bytes > 0);

ALTER TABLE assets  ADD COLUMN expires_at BIGINT;
ALTER TABLE folders ADD COLUMN expires_at BIGINT;
UPDATE assets  SET expires_at = deleted_at + 14 * 86400000 WHERE deleted_at IS NOT NULL;
UPDATE folders SET expires_at = deleted_at + 14 * 86400000 WHERE deleted_at IS NOT NULL;
ALTER TABLE assets  ADD CONSTRAINT assets_expires_with_deleted
    CHECK ((deleted_at IS NULL) = (expires_at IS NULL));
ALTER TABLE folders ADD CONSTRAINT folders_expires_with_deleted
    CHECK ((deleted_at IS NULL) = (expires_at IS NULL));

DROP INDEX assets_expiry;
CREATE INDEX assets_expiry    ON assets  (expires_at)           WHERE deleted_at IS NOT NULL;
CREATE INDEX assets_expiring  ON assets  (space_id, expires_at) WHERE deleted_at IS NOT NULL;
CREATE INDEX folders_expiry   ON folders (expires_at)           WHERE deleted_at IS NOT NULL;
CREATE INDEX folders_expiring ON folders (space_id, expires_at) WHERE deleted_at IS NOT NULL;

CREATE TABLE space_storage (
    space_id     BIGINT NOT NULL REFERENCES spaces (id) ON DELETE CASCADE,
    kind         TEXT   COLLATE "C" NOT NULL
                 CHECK (kind IN ('image', 'document', 'video', 'audio', 'other')),
    live_assets  BIGINT NOT NULL DEFAULT 0 CHECK (live_assets >= 0),
    live_bytes   BIGINT NOT NULL DEFAULT 0 CHECK (live_bytes >= 0),
    trash_assets BIGINT NOT NULL DEFAULT 0 CHECK (trash_assets >= 0),
    trash_bytes  BIGINT NOT NULL DEFAULT 0 CHECK (trash_bytes >= 0),
    PRIMARY KEY (space_id, kind)
);

INSERT INTO space_storage (space_id, kind, live_assets, live_bytes, trash_assets, trash_bytes)
SELECT space_id, kind,
       COUNT(*) FILTER (WHERE deleted_at IS NULL),
       COALESCE(SUM(size_bytes) FILTER (WHERE deleted_at IS NULL), 0),
       COUNT(*) FILTER (WHERE deleted_at IS NOT NULL),
       COALESCE(SUM(size_bytes) FILTER (WHERE deleted_at IS NOT NULL), 0)
FROM assets GROUP BY space_id, kind;

CREATE FUNCTION assets_storage_insert() RETURNS trigger
    LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO space_storage (space_id, kind)
    SELECT DISTINCT space_id, kind FROM inserted
    ON CONFLICT DO NOTHING;
    UPDATE space_storage s SET
        live_assets  = s.live_assets  + d.live_assets,
        live_bytes   = s.live_bytes   + d.live_bytes,
        trash_assets = s.trash_assets + d.trash_assets,
        trash_bytes  = s.trash_bytes  + d.trash_bytes
    FROM (SELECT space_id, kind,
                 COUNT(*) FILTER (WHERE deleted_at IS NULL) AS live_assets,
                 COALESCE(SUM(size_bytes) FILTER (WHERE deleted_at IS NULL), 0) AS live_bytes,
                 COUNT(*) FILTER (WHERE deleted_at IS NOT NULL) AS trash_assets,
                 COALESCE(SUM(size_bytes) FILTER (WHERE deleted_at IS NOT NULL), 0) AS trash_bytes
          FROM inserted GROUP BY space_id, kind) d
    WHERE s.space_id = d.space_id AND s.kind = d.kind;
    RETURN NULL;
END $$;

CREATE FUNCTION assets_storage_delete() RETURNS trigger
    LANGUAGE plpgsql AS $$
BEGIN
    UPDATE space_storage s SET
        live_assets  = s.live_assets  - d.live_assets,
        live_bytes   = s.live_bytes   - d.live_bytes,
        trash_assets = s.trash_assets - d.trash_assets,
        trash_bytes  = s.trash_bytes  - d.trash_bytes
    FROM (SELECT space_id, kind,
                 COUNT(*) FILTER (WHERE deleted_at IS NULL) AS live_assets,
                 COALESCE(SUM(size_bytes) FILTER (WHERE deleted_at IS NULL), 0) AS live_bytes,
                 COUNT(*) FILTER (WHERE deleted_at IS NOT NULL) AS trash_assets,
                 COALESCE(SUM(size_bytes) FILTER (WHERE deleted_at IS NOT NULL), 0) AS trash_bytes
          FROM deleted GROUP BY space_id, kind) d
    WHERE s.space_id = d.space_id AND s.kind = d.kind;
    RETURN NULL;
END $$;

-- Per space and type, the rows after the statement minus the rows before
-- it (as assets_live_count_update does): exact for any change, and no row
-- of space_storage is written when nothing entered or left Trash.
CREATE FUNCTION assets_storage_update() RETURNS trigger
    LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO space_storage (space_id, kind)
    SELECT DISTINCT space_id, kind FROM new_rows
    ON CONFLICT DO NOTHING;
    UPDATE space_storage s SET
        live_assets  = s.live_assets  + d.live_assets,
        live_bytes   = s.live_bytes   + d.live_bytes,
        trash_assets = s.trash_assets + d.trash_assets,
        trash_bytes  = s.trash_bytes  + d.trash_bytes
    FROM (SELECT space_id, kind,
                 COALESCE(SUM(sign) FILTER (WHERE deleted_at IS NULL), 0) AS live_assets,
                 COALESCE(SUM(sign * size_bytes) FILTER (WHERE deleted_at IS NULL), 0) AS live_bytes,
                 COALESCE(SUM(sign) FILTER (WHERE deleted_at IS NOT NULL), 0) AS trash_assets,
                 COALESCE(SUM(sign * size_bytes) FILTER (WHERE deleted_at IS NOT NULL), 0) AS trash_bytes
          FROM (SELECT space_id, kind, deleted_at, size_bytes, -1 AS sign FROM old_rows
                UNION ALL
                SELECT space_id, kind, deleted_at, size_bytes, 1 FROM new_rows) c
          GROUP BY space_id, kind) d
    WHERE s.space_id = d.space_id AND s.kind = d.kind
      AND (d.live_assets <> 0 OR d.live_bytes <> 0 OR d.trash_assets <> 0 OR d.trash_bytes <> 0);
    RETURN NULL;
END $$;

CREATE TRIGGER assets_storage_insert AFTER INSERT ON assets
    REFERENCING NEW TABLE AS inserted
    FOR EACH STATEMENT EXECUTE FUNCTION assets_storage_insert();

CREATE TRIGGER assets_storage_delete AFTER DELETE ON assets
    REFERENCING OLD TABLE AS deleted
    FOR EACH STATEMENT EXECUTE FUNCTION assets_storage_delete();

CREATE TRIGGER assets_storage_update AFTER UPDATE ON assets
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION assets_storage_update();

ALTER TABLE audit_log DROP CONSTRAINT audit_log_action_check;
ALTER TABLE audit_log ADD CONSTRAINT audit_log_action_check CHECK (action IN (
    'upload', 'rename', 'move_to_folder', 'folder_created', 'folder_renamed',
    'move_to_trash', 'undo', 'restore', 'delete_permanently', 'purge',
    'empty_trash', 'token_created', 'token_revoked', 'settings_changed',
    'member_added', 'role_changed'));
ALTER TABLE audit_log ADD COLUMN detail TEXT COLLATE "C";
