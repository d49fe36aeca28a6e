-- References: where an asset is used. An integration (a CMS saving a page)
-- names a source (its system and its own id, with a title and a link) and
-- the full list of assets that source uses now (`PUT /api/references`).
-- `assets.used_in` counts an asset's sources, kept exact by the triggers
-- below, so the listing's "In use" and the Usage filter read one column.
-- References stay while an asset is in Trash and go with it at the purge
-- (ON DELETE CASCADE).
CREATE TABLE reference_sources (
    id          INTEGER PRIMARY KEY,
    space_id    INTEGER NOT NULL REFERENCES spaces (id) ON DELETE CASCADE,
    system      TEXT    NOT NULL,
    external_id TEXT    NOT NULL,
    title       TEXT    NOT NULL,
    url         TEXT,
    updated_at  INTEGER NOT NULL,
    UNIQUE (space_id, system, external_id)
);

CREATE TABLE asset_references (
    source_id INTEGER NOT NULL REFERENCES reference_sources (id) ON DELETE CASCADE,
    asset_id  INTEGER NOT NULL REFERENCES assets (id) ON DELETE CASCADE,
    PRIMARY KEY (source_id, asset_id)
) WITHOUT ROWID;

-- An asset's sources (its details, the Delete Assets dialog, the cascade).
CREATE INDEX asset_references_by_asset ON asset_references (asset_id, source_id);

ALTER TABLE assets ADD COLUMN used_in INTEGER NOT NULL DEFAULT 0 CHECK (used_in >= 0);

CREATE TRIGGER asset_references_count_insert AFTER INSERT ON asset_references
BEGIN
    UPDATE assets SET used_in = used_in + 1 WHERE id = NEW.asset_id;
END;

CREATE TRIGGER asset_references_count_delete AFTER DELETE ON asset_references
BEGIN
    UPDATE assets SET used_in = used_in - 1 WHERE id = OLD.asset_id;
END;
