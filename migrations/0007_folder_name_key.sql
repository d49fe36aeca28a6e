-- Sibling folder names are unique without the zero-width non-joiner and
-- joiner (U+200C, U+200D) as well as without case: "Reports" and "Reports"
-- with a joiner read the same, so they are one name. The app looks for a
-- clash with this very expression (`sibling_key` in
-- app/src/assets/folders/data.rs), so the index serves its lookups and
-- holds the rule for every server. The app also writes names in NFC, so a
-- name typed in another Unicode form is the same text; SQLite has no
-- normalisation function, so names stored before this keep their form.
--
-- Live siblings that already clash under the rule keep the oldest one's
-- name; the others become "Name (renamed #id)" (within 255 characters), so
-- that the index can be built.
UPDATE folders
SET name = rtrim(substr(name, 1, 255 - length(' (renamed #' || id || ')')))
           || ' (renamed #' || id || ')'
WHERE deleted_at IS NULL
  AND EXISTS (SELECT 1 FROM folders o
              WHERE o.space_id = folders.space_id
                AND coalesce(o.parent_id, 0) = coalesce(folders.parent_id, 0)
                AND o.deleted_at IS NULL AND o.id < folders.id
                AND replace(replace(o.name, char(8204), ''), char(8205), '')
                    = replace(replace(folders.name, char(8204), ''), char(8205), '') COLLATE NOCASE);

DROP INDEX folders_live_name;
CREATE UNIQUE INDEX folders_live_name
    ON folders (space_id, coalesce(parent_id, 0),
                replace(replace(name, char(8204), ''), char(8205), '') COLLATE NOCASE)
    WHERE deleted_at IS NULL;
