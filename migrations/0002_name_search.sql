-- Substring search over asset names at any scale: an FTS5 index of every
-- name's trigrams (live and trashed rows alike, so Trash search uses it
-- too), kept in step with `assets` by triggers in the same transaction.
-- Terms of 3 characters or more are looked up here (a phrase of trigrams is
-- a substring); shorter terms are prefix searches on the name indexes.
CREATE VIRTUAL TABLE asset_names USING fts5 (
    name,
    content = 'assets',
    content_rowid = 'id',
    tokenize = 'trigram'
);

INSERT INTO asset_names (asset_names) VALUES ('rebuild');

CREATE TRIGGER asset_names_insert AFTER INSERT ON assets
BEGIN
    INSERT INTO asset_names (rowid, name) VALUES (NEW.id, NEW.name);
END;

CREATE TRIGGER asset_names_delete AFTER DELETE ON assets
BEGIN
    INSERT INTO asset_names (asset_names, rowid, name) VALUES ('delete', OLD.id, OLD.name);
END;

CREATE TRIGGER asset_names_rename AFTER UPDATE OF name ON assets
BEGIN
    INSERT INTO asset_names (asset_names, rowid, name) VALUES ('delete', OLD.id, OLD.name);
    INSERT INTO asset_names (rowid, name) VALUES (NEW.id, NEW.name);
END;

-- Prefix search in Trash (terms under 3 characters), as
-- `assets_live_by_name` serves it in the listing.
CREATE INDEX assets_trashed_by_name ON assets (space_id, name, id) WHERE deleted_at IS NOT NULL;
