-- Folders: a tree per space. An asset or folder with `parent`/`folder_id`
-- NULL is at the top level. Folders go to Trash like assets (the same
-- three columns); a folder moved to Trash takes everything live inside it
-- in the same batch, so that a batch is one row in Trash and comes back
-- whole. Invariant kept by the code: a live row's folders are all live.
CREATE TABLE folders (
    id           INTEGER PRIMARY KEY,
    space_id     INTEGER NOT NULL REFERENCES spaces (id),
    parent_id    INTEGER REFERENCES folders (id),
    name         TEXT    NOT NULL COLLATE NOCASE,
    -- Live assets directly inside, kept exact by the triggers below.
    live_assets  INTEGER NOT NULL DEFAULT 0 CHECK (live_assets >= 0),
    created_by   INTEGER REFERENCES users (id) ON DELETE SET NULL,
    created_at   INTEGER NOT NULL,
    updated_at   INTEGER NOT NULL,
    deleted_at   INTEGER,
    deleted_by   INTEGER REFERENCES users (id) ON DELETE SET NULL,
    delete_batch TEXT,
    -- Set when the folder this one was in was removed for good while this
    -- one was in Trash: it is restored at the top level, and says so.
    parent_gone  INTEGER NOT NULL DEFAULT 0 CHECK (parent_gone IN (0, 1)),
    CHECK ((deleted_at IS NULL) = (delete_batch IS NULL))
);

-- Sibling names are unique among live folders, case-insensitively (the
-- column's NOCASE); 0 stands for the top level.
CREATE UNIQUE INDEX folders_live_name ON folders (space_id, coalesce(parent_id, 0), name)
    WHERE deleted_at IS NULL;
-- The listing's folders, per sort (sizes sort folders by name).
CREATE INDEX folders_live_by_name     ON folders (space_id, parent_id, name, id)       WHERE deleted_at IS NULL;
CREATE INDEX folders_live_by_modified ON folders (space_id, parent_id, updated_at, id) WHERE deleted_at IS NULL;
-- Walking down a tree (trash, restore, purge), and Trash's folder rows.
CREATE INDEX folders_by_parent ON folders (parent_id);
CREATE INDEX folders_trashed   ON folders (space_id, deleted_at, id) WHERE deleted_at IS NOT NULL;
CREATE INDEX folders_by_batch  ON folders (delete_batch) WHERE delete_batch IS NOT NULL;

ALTER TABLE assets ADD COLUMN folder_id INTEGER REFERENCES folders (id);
ALTER TABLE assets ADD COLUMN folder_gone INTEGER NOT NULL DEFAULT 0 CHECK (folder_gone IN (0, 1));

-- A folder's page of assets, per sort, as `assets_live_*` serve the
-- space-wide search. NULL (the top level) is a value here like any id.
CREATE INDEX assets_live_in_folder_by_name     ON assets (space_id, folder_id, name, id)       WHERE deleted_at IS NULL;
CREATE INDEX assets_live_in_folder_by_modified ON assets (space_id, folder_id, updated_at, id) WHERE deleted_at IS NULL;
CREATE INDEX assets_live_in_folder_by_size     ON assets (space_id, folder_id, size_bytes, id) WHERE deleted_at IS NULL;
CREATE INDEX assets_by_folder ON assets (folder_id);

-- The folders an audited change touched, beside its assets (JSON array).
ALTER TABLE audit_log ADD COLUMN folder_ids TEXT NOT NULL DEFAULT '[]';

-- Live assets at the top level, for its count (as `live_assets` for the space).
ALTER TABLE spaces ADD COLUMN root_assets INTEGER NOT NULL DEFAULT 0 CHECK (root_assets >= 0);
UPDATE spaces SET root_assets = live_assets;

-- The per-folder and top-level counters follow every insert, delete, move
-- to and from Trash and move between folders. (The space's own
-- `live_assets` triggers of 0001 stay as they are.)
CREATE TRIGGER assets_folder_count_insert AFTER INSERT ON assets
WHEN NEW.deleted_at IS NULL
BEGIN
    UPDATE folders SET live_assets = live_assets + 1 WHERE id = NEW.folder_id;
    UPDATE spaces SET root_assets = root_assets + 1 WHERE NEW.folder_id IS NULL AND id = NEW.space_id;
END;

CREATE TRIGGER assets_folder_count_delete AFTER DELETE ON assets
WHEN OLD.deleted_at IS NULL
BEGIN
    UPDATE folders SET live_assets = live_assets - 1 WHERE id = OLD.folder_id;
    UPDATE spaces SET root_assets = root_assets - 1 WHERE OLD.folder_id IS NULL AND id = OLD.space_id;
END;

CREATE TRIGGER assets_folder_count_update AFTER UPDATE OF deleted_at, folder_id ON assets
WHEN (OLD.deleted_at IS NULL) <> (NEW.deleted_at IS NULL)
  OR (NEW.deleted_at IS NULL AND OLD.folder_id IS NOT NEW.folder_id)
BEGIN
    UPDATE folders SET live_assets = live_assets - 1
        WHERE OLD.deleted_at IS NULL AND id = OLD.folder_id;
    UPDATE folders SET live_assets = live_assets + 1
        WHERE NEW.deleted_at IS NULL AND id = NEW.folder_id;
    UPDATE spaces SET root_assets = root_assets
            - (OLD.deleted_at IS NULL AND OLD.folder_id IS NULL)
            + (NEW.deleted_at IS NULL AND NEW.folder_id IS NULL)
        WHERE id = NEW.space_id;
END;

-- A folder removed for good (the purge, Delete permanently) while rows of
-- another, earlier batch still in Trash were inside it: they lose their
-- folder and will be restored at the top level, marked so they can say so.
-- (Rows of its own batch are removed before it, or by the same statement.)
-- AFTER, not BEFORE: a BEFORE trigger may not change rows the statement is
-- about to delete, and the foreign keys are checked when it ends.
CREATE TRIGGER folders_removed AFTER DELETE ON folders
BEGIN
    UPDATE assets SET folder_id = NULL, folder_gone = 1 WHERE folder_id = OLD.id;
    UPDATE folders SET parent_id = NULL, parent_gone = 1 WHERE parent_id = OLD.id;
END;
