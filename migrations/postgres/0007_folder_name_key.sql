-- Sibling folder names without their joiners, PostgreSQL twin of
-- ../0007_folder_name_key.sql. The `nocase` collation (ICU, 0001) already
-- compares "Reports" and "Reports" with a zero-width joiner, and a name in
-- NFC and in NFD, as equal; the index now says so in SQLite's terms, on
-- the expression the app's lookups use (`sibling_key`). `replace` refuses
-- a nondeterministic collation, hence "C" inside and `nocase` outside.
DROP INDEX folders_live_name;

-- Names in NFC, as the app writes them from now on.
UPDATE folders SET name = normalize(name, NFC) WHERE name IS NOT NFC NORMALIZED;
UPDATE assets SET name = normalize(name, NFC) WHERE name IS NOT NFC NORMALIZED;

-- Live siblings that clash under the rule keep the oldest one's name; the
-- others become "Name (renamed #id)", as on SQLite. (The old index made
-- such a clash all but impossible here.)
UPDATE folders
SET name = rtrim(substr(name, 1, 255 - length(' (renamed #' || id || ')')))
           || ' (renamed #' || id || ')'
WHERE deleted_at IS NULL
  AND EXISTS (SELECT 1 FROM folders o
              WHERE o.space_id = folders.space_id
                AND coalesce(o.parent_id, 0) = coalesce(folders.parent_id, 0)
                AND o.deleted_at IS NULL AND o.id < folders.id
                AND replace(replace(o.name COLLATE "C", chr(8204), ''), chr(8205), '') COLLATE nocase
                    = replace(replace(folders.name COLLATE "C", chr(8204), ''), chr(8205), '') COLLATE nocase);

CREATE UNIQUE INDEX folders_live_name
    ON folders (space_id, coalesce(parent_id, 0),
                (replace(replace(name COLLATE "C", chr(8204), ''), chr(8205), '') COLLATE nocase))
    WHERE deleted_at IS NULL;
