-- Checks of the PostgreSQL schema (migrations/postgres/0001…0006), run on a
-- database those migrations have been applied to:
--
--     psql "$DATABASE_URL" -X -q -v ON_ERROR_STOP=1 -f migrations/postgres/check.sql
--
-- Every check is an ASSERT in a DO block (or a statement that must work):
-- the first wrong count stops psql with a non-zero exit. All of it runs in
-- one transaction that is rolled back at the end, so the database is left
-- as it was and the script can be run again (its rows use their own slugs
-- and emails, so it also runs beside other data). The last line printed is
-- "check.sql: all checks passed".
--
-- Not a migration: sqlx only applies files named NNNN_*.sql.

\set ON_ERROR_STOP 1
\pset pager off
SET client_min_messages = warning;

BEGIN;

-- Names of the rows made here, and their ids.
CREATE TEMP TABLE k (name text PRIMARY KEY, id bigint NOT NULL) ON COMMIT DROP;

CREATE FUNCTION pg_temp.id(n text) RETURNS bigint LANGUAGE sql STABLE
    AS $$ SELECT id FROM k WHERE name = n $$;

-- Every counter of the spaces and folders made here against a count of
-- the rows it stands for.
CREATE FUNCTION pg_temp.assert_counters(what text) RETURNS void LANGUAGE plpgsql AS $$
DECLARE
    bad text;
BEGIN
    SELECT string_agg(format('space %s: live_assets %s (rows %s), root_assets %s (rows %s)',
                             s.slug, s.live_assets, c.live, s.root_assets, c.root), '; ')
    INTO bad
    FROM spaces s
    CROSS JOIN LATERAL (
        SELECT COUNT(*) FILTER (WHERE a.deleted_at IS NULL) AS live,
               COUNT(*) FILTER (WHERE a.deleted_at IS NULL AND a.folder_id IS NULL) AS root
        FROM assets a WHERE a.space_id = s.id) c
    WHERE s.slug LIKE 'check-%'
      AND (s.live_assets <> c.live OR s.root_assets <> c.root);
    ASSERT bad IS NULL, what || ': ' || bad;

    SELECT string_agg(format('folder %s: live_assets %s (rows %s)', f.name, f.live_assets, c.live), '; ')
    INTO bad
    FROM folders f
    JOIN spaces s ON s.id = f.space_id AND s.slug LIKE 'check-%'
    CROSS JOIN LATERAL (
        SELECT COUNT(*) AS live FROM assets a
        WHERE a.folder_id = f.id AND a.deleted_at IS NULL) c
    WHERE f.live_assets <> c.live;
    ASSERT bad IS NULL, what || ': ' || bad;

    -- Storage per space and type (0011) against the rows.
    SELECT string_agg(format('space %s %s: storage %s/%s/%s/%s (rows %s/%s/%s/%s)', s.slug, k.kind,
                             st.live_assets, st.live_bytes, st.trash_assets, st.trash_bytes,
                             c.live, c.live_bytes, c.trash, c.trash_bytes), '; ')
    INTO bad
    FROM spaces s
    CROSS JOIN (VALUES ('image'), ('document'), ('video'), ('audio'), ('other')) k (kind)
    LEFT JOIN space_storage st ON st.space_id = s.id AND st.kind = k.kind
    CROSS JOIN LATERAL (
        SELECT COUNT(*) FILTER (WHERE a.deleted_at IS NULL) AS live,
               COALESCE(SUM(a.size_bytes) FILTER (WHERE a.deleted_at IS NULL), 0) AS live_bytes,
               COUNT(*) FILTER (WHERE a.deleted_at IS NOT NULL) AS trash,
               COALESCE(SUM(a.size_bytes) FILTER (WHERE a.deleted_at IS NOT NULL), 0) AS trash_bytes
        FROM assets a WHERE a.space_id = s.id AND a.kind = k.kind) c
    WHERE s.slug LIKE 'check-%'
      AND (COALESCE(st.live_assets, 0), COALESCE(st.live_bytes, 0),
           COALESCE(st.trash_assets, 0), COALESCE(st.trash_bytes, 0))
          IS DISTINCT FROM (c.live, c.live_bytes, c.trash, c.trash_bytes);
    ASSERT bad IS NULL, what || ': ' || bad;
END $$;

-- Fails unless `statement` fails with SQLSTATE `state`.
CREATE FUNCTION pg_temp.assert_fails(statement text, state text, what text) RETURNS void
    LANGUAGE plpgsql AS $$
BEGIN
    BEGIN
        EXECUTE statement;
    EXCEPTION WHEN OTHERS THEN
        ASSERT SQLSTATE = state,
            format('%s: expected SQLSTATE %s, got %s (%s)', what, state, SQLSTATE, SQLERRM);
        RETURN;
    END;
    RAISE EXCEPTION '%: should have failed with SQLSTATE %', what, state;
END $$;

\echo '== users, spaces, memberships'
DO $$
DECLARE
    i bigint;
BEGIN
    INSERT INTO users (email, name, password_hash, created_at)
    VALUES ('Check.Ann@Example.org', 'Ann', 'h', 1) RETURNING id INTO i;
    INSERT INTO k VALUES ('ann', i);
    INSERT INTO users (email, name, password_hash, created_at)
    VALUES ('check.bob@example.org', 'Bob', 'h', 1) RETURNING id INTO i;
    INSERT INTO k VALUES ('bob', i);
    INSERT INTO spaces (slug, name, created_at) VALUES ('check-1', 'Check one', 1) RETURNING id INTO i;
    INSERT INTO k VALUES ('s1', i);
    INSERT INTO spaces (slug, name, created_at) VALUES ('check-2', 'Check two', 1) RETURNING id INTO i;
    INSERT INTO k VALUES ('s2', i);
    INSERT INTO memberships (space_id, user_id, role) VALUES (pg_temp.id('s1'), pg_temp.id('ann'), 'owner');
    INSERT INTO memberships (space_id, user_id, role) VALUES (pg_temp.id('s1'), pg_temp.id('bob'), 'viewer');
END $$;

DO $$
DECLARE
    n bigint;
    i bigint;
BEGIN
    -- Emails are unique and found ignoring case (NOCASE).
    PERFORM pg_temp.assert_fails(
        $q$INSERT INTO users (email, name, password_hash, created_at)
           VALUES ('CHECK.ANN@example.ORG', 'Ann 2', 'h', 1)$q$,
        '23505', 'a second email differing only in case');
    SELECT COUNT(*) INTO n FROM users WHERE email = 'check.ann@EXAMPLE.org';
    ASSERT n = 1, 'email = … ignores case';
    -- The app's upsert (app/src/auth/data.rs) finds the row whatever the case,
    -- and a new hash starts a new generation of sessions (0006); the same
    -- hash does not.
    INSERT INTO users (email, name, password_hash, created_at) VALUES ('CHECK.ann@example.org', 'Ann B', 'h2', 2)
    ON CONFLICT (email) DO UPDATE SET name = excluded.name, password_hash = excluded.password_hash,
      session_generation = users.session_generation
        + CASE WHEN users.password_hash = excluded.password_hash THEN 0 ELSE 1 END
    RETURNING id, session_generation INTO i, n;
    ASSERT i = pg_temp.id('ann'), 'ON CONFLICT (email) matched the existing row';
    ASSERT n = 1, 'a new password hash: the next session generation';
    INSERT INTO users (email, name, password_hash, created_at) VALUES ('check.ann@example.org', 'Ann', 'h2', 3)
    ON CONFLICT (email) DO UPDATE SET name = excluded.name, password_hash = excluded.password_hash,
      session_generation = users.session_generation
        + CASE WHEN users.password_hash = excluded.password_hash THEN 0 ELSE 1 END
    RETURNING session_generation INTO n;
    ASSERT n = 1, 'the same password hash: the same session generation';
    -- An explicit id may be inserted (GENERATED BY DEFAULT).
    INSERT INTO users (id, email, name, password_hash, created_at)
    VALUES (987654321012, 'check.explicit@example.org', 'X', 'h', 1);
    ASSERT (SELECT name FROM users WHERE id = 987654321012) = 'X', 'explicit id';
    -- The role must be one of four; memberships go with their user.
    PERFORM pg_temp.assert_fails(
        format('INSERT INTO memberships VALUES (%s, 987654321012, %L)', pg_temp.id('s1'), 'boss'),
        '23514', 'an unknown role');
    DELETE FROM users WHERE id = 987654321012;
    -- Slugs are case-sensitive, as on SQLite (BINARY).
    INSERT INTO spaces (slug, name, created_at) VALUES ('CHECK-1', 'Upper', 1);
    DELETE FROM spaces WHERE slug = 'CHECK-1';
    ASSERT (SELECT COUNT(*) FROM spaces WHERE slug = 'check-1') = 1, 'slug = is case-sensitive';
END $$;

\echo '== folders: a tree, names unique among live siblings ignoring case'
DO $$
DECLARE
    i bigint;
BEGIN
    INSERT INTO folders (space_id, parent_id, name, created_at, updated_at)
    VALUES (pg_temp.id('s1'), NULL, 'Alpha', 1, 1) RETURNING id INTO i;
    INSERT INTO k VALUES ('alpha', i);
    INSERT INTO folders (space_id, parent_id, name, created_at, updated_at)
    VALUES (pg_temp.id('s1'), pg_temp.id('alpha'), 'Inner', 1, 1) RETURNING id INTO i;
    INSERT INTO k VALUES ('inner', i);
    INSERT INTO folders (space_id, parent_id, name, created_at, updated_at)
    VALUES (pg_temp.id('s1'), NULL, 'Beta', 1, 1) RETURNING id INTO i;
    INSERT INTO k VALUES ('beta', i);
    INSERT INTO folders (space_id, parent_id, name, created_at, updated_at)
    VALUES (pg_temp.id('s2'), NULL, 'Gamma', 1, 1) RETURNING id INTO i;
    INSERT INTO k VALUES ('gamma', i);

    -- 'A' vs 'a': the same name at the top level (coalesce(parent_id, 0))…
    INSERT INTO folders (space_id, parent_id, name, created_at, updated_at)
    VALUES (pg_temp.id('s1'), NULL, 'A', 1, 1) RETURNING id INTO i;
    INSERT INTO k VALUES ('A', i);
    PERFORM pg_temp.assert_fails(
        format('INSERT INTO folders (space_id, parent_id, name, created_at, updated_at)
                VALUES (%s, NULL, %L, 1, 1)', pg_temp.id('s1'), 'a'),
        '23505', 'top-level folders A and a');
    PERFORM pg_temp.assert_fails(
        format('INSERT INTO folders (space_id, parent_id, name, created_at, updated_at)
                VALUES (%s, NULL, %L, 1, 1)', pg_temp.id('s1'), 'ALPHA'),
        '23505', 'top-level folders Alpha and ALPHA');
    -- …and inside a folder;
    PERFORM pg_temp.assert_fails(
        format('INSERT INTO folders (space_id, parent_id, name, created_at, updated_at)
                VALUES (%s, %s, %L, 1, 1)', pg_temp.id('s1'), pg_temp.id('alpha'), 'INNER'),
        '23505', 'sibling folders Inner and INNER');
    -- …nor without its zero-width (non-)joiners (0007), nor in another
    -- Unicode form;
    PERFORM pg_temp.assert_fails(
        format('INSERT INTO folders (space_id, parent_id, name, created_at, updated_at)
                VALUES (%s, NULL, %L, 1, 1)', pg_temp.id('s1'), 'BE' || chr(8204) || 'TA' || chr(8205)),
        '23505', 'top-level folders Beta and BE+ZWNJ+TA+ZWJ');
    INSERT INTO folders (space_id, parent_id, name, created_at, updated_at)
    VALUES (pg_temp.id('s2'), NULL, 'Caf' || chr(233), 1, 1) RETURNING id INTO i;
    INSERT INTO k VALUES ('s2/cafe', i);
    PERFORM pg_temp.assert_fails(
        format('INSERT INTO folders (space_id, parent_id, name, created_at, updated_at)
                VALUES (%s, NULL, %L, 1, 1)', pg_temp.id('s2'), 'CAFE' || chr(769)),
        '23505', 'top-level folders Café in NFC and CAFÉ in NFD');
    -- but fine in another folder, another space, or beside one in Trash.
    INSERT INTO folders (space_id, parent_id, name, created_at, updated_at)
    VALUES (pg_temp.id('s1'), pg_temp.id('beta'), 'inner', 1, 1) RETURNING id INTO i;
    INSERT INTO k VALUES ('beta/inner', i);
    INSERT INTO folders (space_id, parent_id, name, created_at, updated_at)
    VALUES (pg_temp.id('s2'), NULL, 'a', 1, 1) RETURNING id INTO i;
    INSERT INTO k VALUES ('s2/a', i);
    UPDATE folders SET deleted_at = 5, expires_at = 5 + 1209600000, delete_batch = 'check-A' WHERE id = pg_temp.id('A');
    INSERT INTO folders (space_id, parent_id, name, created_at, updated_at)
    VALUES (pg_temp.id('s1'), NULL, 'a', 1, 1) RETURNING id INTO i;
    INSERT INTO k VALUES ('a', i);
    -- Restoring the trashed 'A' beside the live 'a' is the clash the app
    -- renames around (free_names).
    PERFORM pg_temp.assert_fails(
        format('UPDATE folders SET deleted_at = NULL, delete_batch = NULL, expires_at = NULL WHERE id = %s', pg_temp.id('A')),
        '23505', 'restoring A beside a');
    -- A folder whose parent does not exist.
    PERFORM pg_temp.assert_fails(
        format('INSERT INTO folders (space_id, parent_id, name, created_at, updated_at)
                VALUES (%s, -1, %L, 1, 1)', pg_temp.id('s1'), 'orphan'),
        '23503', 'a folder in a missing folder');
    -- Trash columns are set together.
    PERFORM pg_temp.assert_fails(
        format('UPDATE folders SET deleted_at = 9 WHERE id = %s', pg_temp.id('beta')),
        '23514', 'deleted_at without delete_batch');
END $$;

\echo '== assets: 60,000 rows in one INSERT, counters exact'
-- Space 1: 50,000 assets spread over the top level, Alpha, Inner and Beta,
-- every 10th already in Trash; space 2: 10,000, half in Gamma. Every 997th
-- name has "abc" in it, for the trigram check.
INSERT INTO assets (space_id, name, mime_type, kind, size_bytes, width, height, storage_key,
                    has_thumbnail, created_by, created_at, updated_at, deleted_at, deleted_by,
                    delete_batch, folder_id, expires_at)
SELECT pg_temp.id('s1'),
       CASE WHEN g % 997 = 0 THEN format('Report xABCx %s.pdf', g)
            ELSE format('file-%s.%s', lpad(g::text, 6, '0'), (ARRAY['png', 'JPG', 'txt'])[1 + g % 3]) END,
       'image/png', 'image', g * 10, 640, 480, 'check-s1-' || g, g % 2, pg_temp.id('ann'),
       g, g,
       CASE WHEN g % 10 = 0 THEN 100 END, CASE WHEN g % 10 = 0 THEN pg_temp.id('ann') END,
       CASE WHEN g % 10 = 0 THEN 'check-old' END,
       (ARRAY[NULL, pg_temp.id('alpha'), pg_temp.id('inner'), pg_temp.id('beta')])[1 + g % 4],
       CASE WHEN g % 10 = 0 THEN 200 END
FROM generate_series(1, 50000) g;
INSERT INTO assets (space_id, name, mime_type, kind, size_bytes, storage_key, created_at, updated_at, folder_id)
SELECT pg_temp.id('s2'), 'doc ' || g, 'application/pdf', 'document', g, 'check-s2-' || g, g, g,
       CASE WHEN g % 2 = 0 THEN pg_temp.id('gamma') END
FROM generate_series(1, 10000) g;

DO $$
BEGIN
    PERFORM pg_temp.assert_counters('after the bulk insert');
    ASSERT (SELECT live_assets FROM spaces WHERE id = pg_temp.id('s1')) = 45000, 'space 1 live';
    ASSERT (SELECT root_assets FROM spaces WHERE id = pg_temp.id('s1')) = 10000, 'space 1 root';
    ASSERT (SELECT live_assets FROM folders WHERE id = pg_temp.id('gamma')) = 5000, 'gamma';
END $$;

\echo '== one-row changes: insert, trash, restore, move, delete'
DO $$
DECLARE
    i bigint;
BEGIN
    INSERT INTO assets (space_id, name, mime_type, kind, size_bytes, storage_key, created_at, updated_at, folder_id)
    VALUES (pg_temp.id('s1'), 'single.png', 'image/png', 'image', 1, 'check-single', 1, 1, pg_temp.id('inner'))
    RETURNING id INTO i;
    INSERT INTO k VALUES ('single', i);
    PERFORM pg_temp.assert_counters('one insert');
    UPDATE assets SET deleted_at = 7, expires_at = 7 + 1209600000, deleted_by = pg_temp.id('bob'), delete_batch = 'check-one' WHERE id = i;
    PERFORM pg_temp.assert_counters('one to Trash');
    UPDATE assets SET folder_id = pg_temp.id('beta') WHERE id = i;   -- moved while in Trash: no count changes
    PERFORM pg_temp.assert_counters('one moved in Trash');
    UPDATE assets SET deleted_at = NULL, deleted_by = NULL, delete_batch = NULL, expires_at = NULL WHERE id = i;
    PERFORM pg_temp.assert_counters('one restored');
    UPDATE assets SET folder_id = NULL WHERE id = i;
    PERFORM pg_temp.assert_counters('one moved to the top level');
    UPDATE assets SET folder_id = pg_temp.id('alpha'), name = 'Single.PNG', updated_at = 9 WHERE id = i;
    PERFORM pg_temp.assert_counters('one moved and renamed');
    UPDATE assets SET has_thumbnail = 1 WHERE id = i;                -- no count changes
    PERFORM pg_temp.assert_counters('one other change');
    DELETE FROM assets WHERE id = i;
    PERFORM pg_temp.assert_counters('one live row deleted');
    -- An insert straight into Trash, then deleted from there.
    INSERT INTO assets (space_id, name, mime_type, kind, size_bytes, storage_key, created_at, updated_at,
                        folder_id, deleted_at, delete_batch, expires_at)
    VALUES (pg_temp.id('s1'), 't.png', 'image/png', 'image', 1, 'check-t', 1, 1, pg_temp.id('inner'), 3, 'check-t', 4)
    RETURNING id INTO i;
    PERFORM pg_temp.assert_counters('insert into Trash');
    DELETE FROM assets WHERE id = i;
    PERFORM pg_temp.assert_counters('trashed row deleted');
    -- Constraints carried over.
    PERFORM pg_temp.assert_fails(
        format('UPDATE assets SET has_thumbnail = 2 WHERE space_id = %s', pg_temp.id('s1')),
        '23514', 'has_thumbnail 2');
    PERFORM pg_temp.assert_fails(
        format('UPDATE assets SET delete_batch = NULL WHERE space_id = %s AND deleted_at IS NOT NULL',
               pg_temp.id('s1')),
        '23514', 'deleted_at without delete_batch');
    PERFORM pg_temp.assert_fails(
        format('UPDATE assets SET size_bytes = -1 WHERE space_id = %s', pg_temp.id('s1')),
        '23514', 'a negative size');
    PERFORM pg_temp.assert_fails(
        format('UPDATE assets SET kind = %L WHERE space_id = %s', 'font', pg_temp.id('s1')),
        '23514', 'an unknown kind');
    PERFORM pg_temp.assert_fails(
        format('UPDATE assets SET storage_key = %L WHERE space_id = %s', 'check-same', pg_temp.id('s2')),
        '23505', 'a shared storage_key');
    PERFORM pg_temp.assert_fails(
        format('UPDATE assets SET folder_id = -5 WHERE space_id = %s', pg_temp.id('s2')),
        '23503', 'an asset in a missing folder');
    PERFORM pg_temp.assert_fails(
        format('UPDATE spaces SET live_assets = -1 WHERE id = %s', pg_temp.id('s2')),
        '23514', 'a negative counter');
END $$;

\echo '== bulk changes of 45,000 rows in single UPDATEs (timed)'
DO $$
DECLARE
    t timestamptz;
    n bigint;
    took interval;
    worst interval := '0';
BEGIN
    -- Every live asset of space 1 to Trash in one statement.
    t := clock_timestamp();
    UPDATE assets SET deleted_at = 200, expires_at = 200 + 1209600000, deleted_by = pg_temp.id('bob'), delete_batch = 'check-bulk'
    WHERE space_id = pg_temp.id('s1') AND deleted_at IS NULL;
    GET DIAGNOSTICS n = ROW_COUNT;
    took := clock_timestamp() - t;
    worst := greatest(worst, took);
    RAISE NOTICE 'moved % rows to Trash in %', n, took;
    ASSERT n = 45000, 'bulk trash row count ' || n;
    PERFORM pg_temp.assert_counters('bulk trash');
    ASSERT (SELECT live_assets + root_assets FROM spaces WHERE id = pg_temp.id('s1')) = 0, 'space 1 empty';

    -- Restore the batch in one statement.
    t := clock_timestamp();
    UPDATE assets SET deleted_at = NULL, deleted_by = NULL, delete_batch = NULL, expires_at = NULL
    WHERE delete_batch = 'check-bulk';
    took := clock_timestamp() - t;
    worst := greatest(worst, took);
    PERFORM pg_temp.assert_counters('bulk restore');
    ASSERT (SELECT live_assets FROM spaces WHERE id = pg_temp.id('s1')) = 45000, 'space 1 restored';

    -- Move every live asset of space 1 into Beta (json_each, as the app does).
    t := clock_timestamp();
    UPDATE assets SET folder_id = pg_temp.id('beta')
    WHERE space_id = pg_temp.id('s1')
      AND id IN (SELECT value FROM json_each(
                    (SELECT json_group_array(id) FROM assets
                     WHERE space_id = pg_temp.id('s1') AND deleted_at IS NULL)))
      AND folder_id IS DISTINCT FROM pg_temp.id('beta');
    took := clock_timestamp() - t;
    worst := greatest(worst, took);
    PERFORM pg_temp.assert_counters('bulk move into Beta');
    ASSERT (SELECT live_assets FROM folders WHERE id = pg_temp.id('beta')) = 45000, 'all in Beta';

    -- Back to the top level, and a mixed statement: some rows to Trash, some
    -- back from it, some moved, in both spaces at once.
    UPDATE assets SET folder_id = NULL WHERE space_id = pg_temp.id('s1') AND deleted_at IS NULL;
    PERFORM pg_temp.assert_counters('bulk move to the top level');
    UPDATE assets
    SET deleted_at   = CASE WHEN deleted_at IS NULL AND id % 3 = 0 THEN 300 WHEN id % 3 = 0 THEN deleted_at END,
        delete_batch = CASE WHEN deleted_at IS NULL AND id % 3 = 0 THEN 'check-mixed' WHEN id % 3 = 0 THEN delete_batch END,
        expires_at   = CASE WHEN deleted_at IS NULL AND id % 3 = 0 THEN 400 WHEN id % 3 = 0 THEN expires_at END,
        folder_id    = CASE WHEN id % 5 = 0 THEN pg_temp.id('inner') ELSE folder_id END
    WHERE space_id IN (pg_temp.id('s1'), pg_temp.id('s2'));
    PERFORM pg_temp.assert_counters('mixed bulk change');

    -- Delete every trashed row of space 1 in one statement.
    t := clock_timestamp();
    DELETE FROM assets WHERE space_id = pg_temp.id('s1') AND deleted_at IS NOT NULL;
    took := clock_timestamp() - t;
    worst := greatest(worst, took);
    PERFORM pg_temp.assert_counters('bulk delete of trashed rows');
    -- And a third of the live ones.
    DELETE FROM assets WHERE space_id = pg_temp.id('s1') AND id % 7 = 0;
    PERFORM pg_temp.assert_counters('bulk delete of live rows');
    RAISE NOTICE 'slowest bulk statement: %', worst;
    ASSERT worst < interval '20 seconds', 'a bulk statement took ' || worst;
END $$;

\echo '== names: ORDER BY, =, keyset comparisons ignore case; COLLATE "BINARY" does not'
DO $$
DECLARE
    got text;
    i bigint;
BEGIN
    INSERT INTO spaces (slug, name, created_at) VALUES ('check-names', 'Names', 1) RETURNING id INTO i;
    INSERT INTO k VALUES ('names', i);
    INSERT INTO assets (space_id, name, mime_type, kind, size_bytes, storage_key, created_at, updated_at)
    SELECT i, n, 'text/plain', 'other', 1, 'check-names-' || n || ord, 1, ord
    FROM unnest(ARRAY['b', 'A', 'C', 'a', 'B', 'c']) WITH ORDINALITY AS u(n, ord);
    SELECT string_agg(name, ' ' ORDER BY name, id) INTO got FROM assets WHERE space_id = i;
    ASSERT got = 'A a b B C c', 'ORDER BY name, id: ' || got;
    SELECT string_agg(name, ' ' ORDER BY name DESC, id DESC) INTO got FROM assets WHERE space_id = i;
    ASSERT got = 'c C B b a A', 'ORDER BY name DESC, id DESC: ' || got;
    -- The keyset read of the listing: after ('a', id of 'a'), ascending.
    SELECT string_agg(name, ' ' ORDER BY name, id) INTO got FROM assets
    WHERE space_id = i AND deleted_at IS NULL
      AND (name, id) > ('A', (SELECT id FROM assets WHERE space_id = i AND name = 'a' COLLATE "BINARY"));
    ASSERT got = 'b B C c', 'keyset after a: ' || got;
    SELECT string_agg(name, ' ' ORDER BY name, id) INTO got FROM assets
    WHERE space_id = i AND name >= 'B' AND name < 'C';
    ASSERT got = 'b B', 'range [B, C): ' || got;
    ASSERT (SELECT COUNT(*) FROM assets WHERE space_id = i AND name = 'C') = 2, 'name = ignores case';
    ASSERT (SELECT COUNT(DISTINCT name) FROM assets WHERE space_id = i) = 3, 'DISTINCT ignores case';
    ASSERT (SELECT COUNT(*) FROM assets WHERE space_id = i AND name = 'c' COLLATE "BINARY") = 1,
        'COLLATE "BINARY" is case-sensitive';
    -- The app's prefix search: [term, term || U+10FFFF).
    ASSERT (SELECT COUNT(*) FROM assets WHERE space_id = i
            AND name >= 'b' AND name < 'b' || U&'\+10FFFF') = 2, 'prefix range';
    -- The rename that keeps updated_at when only the case is the same text
    -- (app/src/assets/data.rs, with the collation quoted).
    UPDATE assets SET updated_at = CASE WHEN name = 'b' COLLATE "BINARY" THEN updated_at ELSE 99 END,
                      name = 'b'
    WHERE space_id = i AND name = 'b';
    ASSERT (SELECT string_agg(updated_at::text, ',' ORDER BY id) FROM assets
            WHERE space_id = i AND name = 'b') = '1,99', 'rename b/B to b';
    -- The index serves the ordered read of the listing.
    ASSERT EXISTS (SELECT 1 FROM pg_indexes WHERE indexname = 'assets_live_by_name'), 'index';
    -- Spaces and users sort as SQLite's BINARY does (byte order).
    ASSERT (SELECT string_agg(v, ' ' ORDER BY v) FROM (VALUES ('b' COLLATE "C"), ('B'), ('a'), ('_')) t(v))
        = 'B _ a b', 'byte order';
    -- LIKE is refused on the nondeterministic collation…
    PERFORM pg_temp.assert_fails(
        format('SELECT 1 FROM assets WHERE space_id = %s AND name LIKE %L', i, '%b%'),
        '0A000', 'LIKE on a nocase column');
    -- …and the PostgreSQL search expression works, with \ escapes.
    ASSERT (SELECT COUNT(*) FROM assets WHERE space_id = i
            AND lower(name COLLATE "C") LIKE lower('%B%' COLLATE "C") ESCAPE '\') = 2, 'lower LIKE';
    UPDATE assets SET name = '50%_off' WHERE space_id = i AND name = 'A' COLLATE "BINARY";
    ASSERT (SELECT COUNT(*) FROM assets WHERE space_id = i
            AND lower(name COLLATE "C") LIKE lower('%0\%\_O%' COLLATE "C") ESCAPE '\') = 1, 'escaped LIKE';
END $$;

\echo '== json_each and json_group_array'
PREPARE check_ids(text) AS SELECT value FROM json_each($1);
PREPARE check_in(text, bigint) AS
    SELECT COUNT(*) FROM assets WHERE space_id = $2 AND id IN (SELECT value FROM json_each($1));
PREPARE check_keys(text) AS
    SELECT COUNT(*) FROM assets WHERE storage_key IN (SELECT value FROM json_each($1, '$'));
DO $$
DECLARE
    ids text;
    n bigint;
BEGIN
    ASSERT (SELECT json_group_array(v) FROM (SELECT v FROM generate_series(3, 1, -1) v) s) = '[3,2,1]',
        'json_group_array in input order';
    ASSERT (SELECT json_group_array(v ORDER BY v) FROM generate_series(3, 1, -1) v) = '[1,2,3]',
        'json_group_array(x ORDER BY x)';
    ASSERT (SELECT json_group_array(id) FROM assets WHERE false) = '[]', 'json_group_array of no rows';
    ASSERT (SELECT pg_typeof(json_group_array(id))::text FROM assets WHERE false) = 'text', 'text';
    ASSERT (SELECT json_group_array(v) FROM (VALUES (1::bigint), (NULL)) t(v)) = '[1,null]', 'null';
    ASSERT (SELECT pg_typeof(value)::text FROM json_each('[1]') LIMIT 1) = 'bigint', 'json_each: bigint';
    ASSERT (SELECT COUNT(*) FROM json_each('[]')) = 0, 'json_each of []';
    -- pg_catalog.json_each(json) still answers for a json argument.
    ASSERT (SELECT key FROM json_each('{"k": 1}'::json)) = 'k', 'pg_catalog.json_each';
    -- Many ids through a text parameter, as the app binds them.
    SELECT json_group_array(id) INTO ids FROM assets WHERE space_id = pg_temp.id('s2');
    EXECUTE 'EXECUTE check_in(' || quote_literal(ids) || ', ' || pg_temp.id('s2') || ')' INTO n;
    ASSERT n = (SELECT COUNT(*) FROM assets WHERE space_id = pg_temp.id('s2')), 'IN json_each($1): ' || n;
    EXECUTE 'EXECUTE check_keys(' || quote_literal('["check-s2-1", "check-s2-2", "nope"]') || ')' INTO n;
    ASSERT n = 2, 'storage keys through json_each($1, ''$''): ' || n;
END $$;
EXECUTE check_ids('[5, 6, 7]');
DEALLOCATE check_ids;
DEALLOCATE check_in;
DEALLOCATE check_keys;

\echo '== the audit entry of a batch (app/src/audit.rs, with its subqueries aliased)'
DO $$
DECLARE
    e record;
BEGIN
    UPDATE assets SET deleted_at = 500, expires_at = 500 + 1209600000, delete_batch = 'check-audit'
    WHERE space_id = pg_temp.id('s2') AND id IN (SELECT id FROM assets WHERE space_id = pg_temp.id('s2')
                                               ORDER BY id DESC LIMIT 3);
    UPDATE folders SET deleted_at = 500, expires_at = 500 + 1209600000, delete_batch = 'check-audit' WHERE id = pg_temp.id('s2/a');
    INSERT INTO audit_log (space_id, actor_id, action, batch, asset_ids, asset_count, folder_ids, at)
    SELECT pg_temp.id('s2'), pg_temp.id('ann'), 'move_to_trash', 'check-audit', json_group_array(id), COUNT(*),
           (SELECT json_group_array(id) FROM (SELECT id FROM folders
                                              WHERE delete_batch = 'check-audit' AND space_id = pg_temp.id('s2')
                                              ORDER BY id) f),
           500
    FROM (SELECT id FROM assets WHERE delete_batch = 'check-audit' AND space_id = pg_temp.id('s2') ORDER BY id) a;
    SELECT * INTO e FROM audit_log WHERE batch = 'check-audit';
    ASSERT e.asset_count = 3, 'audit count';
    ASSERT e.asset_ids = (SELECT '[' || string_agg(id::text, ',' ORDER BY id) || ']' FROM assets
                          WHERE delete_batch = 'check-audit'), 'audit ids ' || e.asset_ids;
    ASSERT e.folder_ids = '[' || pg_temp.id('s2/a') || ']', 'audit folder ids ' || e.folder_ids;
    PERFORM pg_temp.assert_counters('audit batch');
END $$;

\echo '== trigram index on lower(name COLLATE "C")'
ANALYZE assets;
DO $$
DECLARE
    plan text := '';
    line text;
    n bigint;
BEGIN
    FOR line IN EXECUTE $q$EXPLAIN SELECT id FROM assets WHERE lower(name COLLATE "C") LIKE '%abc%'$q$ LOOP
        plan := plan || line || E'\n';
    END LOOP;
    RAISE NOTICE E'plan:\n%', plan;
    ASSERT plan LIKE '%assets_name_trgm%', 'the trigram index is not used: ' || plan;
    SELECT COUNT(*) INTO n FROM assets WHERE lower(name COLLATE "C") LIKE '%abc%';
    ASSERT n = (SELECT COUNT(*) FROM assets WHERE position('abc' IN lower(name COLLATE "C")) > 0), 'trigram count';
    ASSERT n > 0, 'some names have abc';
END $$;

\echo '== folders_removed: rows of earlier batches inside a folder removed for good'
DO $$
DECLARE
    i bigint;
    s bigint := pg_temp.id('s1');
    root_before bigint;
BEGIN
    -- It must fire before PostgreSQL's foreign-key checks on folders, which
    -- are AFTER triggers too; triggers of one event fire in name order.
    ASSERT (SELECT tgname FROM pg_trigger
            WHERE tgrelid = 'folders'::regclass
              AND tgtype & 8 <> 0                      -- on DELETE
              AND tgtype & 2 = 0                       -- AFTER
              AND tgtype & 1 = 1                       -- FOR EACH ROW
            ORDER BY tgname COLLATE "C" LIMIT 1) = 'A_folders_removed',
        'A_folders_removed is not the first AFTER DELETE row trigger on folders';

    -- Old/        trashed with batch check-old-f (the later batch), holding:
    --   Kept/     trashed earlier, batch check-early (its own row in Trash)
    --   early.png trashed earlier, batch check-early
    --   own.png   trashed with Old, batch check-old-f
    --   Sub/      trashed with Old, batch check-old-f, holding sub.png (same batch)
    INSERT INTO folders (space_id, parent_id, name, created_at, updated_at) VALUES (s, NULL, 'Old', 1, 1)
    RETURNING id INTO i;
    INSERT INTO k VALUES ('old', i);
    INSERT INTO folders (space_id, parent_id, name, created_at, updated_at) VALUES (s, i, 'Kept', 1, 1)
    RETURNING id INTO i;
    INSERT INTO k VALUES ('kept', i);
    INSERT INTO folders (space_id, parent_id, name, created_at, updated_at) VALUES (s, pg_temp.id('old'), 'Sub', 1, 1)
    RETURNING id INTO i;
    INSERT INTO k VALUES ('sub', i);
    INSERT INTO assets (space_id, name, mime_type, kind, size_bytes, storage_key, created_at, updated_at, folder_id)
    VALUES (s, 'early.png', 'image/png', 'image', 1, 'check-early', 1, 1, pg_temp.id('old')) RETURNING id INTO i;
    INSERT INTO k VALUES ('early', i);
    INSERT INTO assets (space_id, name, mime_type, kind, size_bytes, storage_key, created_at, updated_at, folder_id)
    VALUES (s, 'own.png', 'image/png', 'image', 1, 'check-own', 1, 1, pg_temp.id('old')) RETURNING id INTO i;
    INSERT INTO k VALUES ('own', i);
    INSERT INTO assets (space_id, name, mime_type, kind, size_bytes, storage_key, created_at, updated_at, folder_id)
    VALUES (s, 'sub.png', 'image/png', 'image', 1, 'check-sub', 1, 1, pg_temp.id('sub')) RETURNING id INTO i;
    INSERT INTO k VALUES ('subasset', i);
    INSERT INTO assets (space_id, name, mime_type, kind, size_bytes, storage_key, created_at, updated_at, folder_id)
    VALUES (s, 'kept.png', 'image/png', 'image', 1, 'check-kept', 1, 1, pg_temp.id('kept')) RETURNING id INTO i;
    INSERT INTO k VALUES ('keptasset', i);
    PERFORM pg_temp.assert_counters('the Old tree');

    -- The earlier batch: Kept (with kept.png) and early.png.
    UPDATE folders SET deleted_at = 10, expires_at = 10 + 1209600000, delete_batch = 'check-early' WHERE id = pg_temp.id('kept');
    UPDATE assets SET deleted_at = 10, expires_at = 10 + 1209600000, delete_batch = 'check-early'
    WHERE id IN (pg_temp.id('early'), pg_temp.id('keptasset'));
    -- The later batch: Old and everything still live inside it.
    UPDATE folders SET deleted_at = 20, expires_at = 20 + 1209600000, delete_batch = 'check-old-f' WHERE id IN (pg_temp.id('old'), pg_temp.id('sub'));
    UPDATE assets SET deleted_at = 20, expires_at = 20 + 1209600000, delete_batch = 'check-old-f' WHERE id IN (pg_temp.id('own'), pg_temp.id('subasset'));
    PERFORM pg_temp.assert_counters('both batches in Trash');

    -- Delete permanently the later batch as the app does
    -- (app/src/trash/bulk/folders.rs): its assets, then its folders in one statement.
    DELETE FROM assets WHERE delete_batch = 'check-old-f'
      AND folder_id IN (pg_temp.id('old'), pg_temp.id('sub'));
    DELETE FROM folders WHERE id IN (pg_temp.id('old'), pg_temp.id('sub'));

    ASSERT NOT EXISTS (SELECT 1 FROM folders WHERE id IN (pg_temp.id('old'), pg_temp.id('sub'))), 'Old and Sub gone';
    ASSERT (SELECT folder_id IS NULL AND folder_gone = 1 AND deleted_at = 10 FROM assets WHERE id = pg_temp.id('early')),
        'early.png: at the top level, flagged, still in Trash';
    ASSERT (SELECT parent_id IS NULL AND parent_gone = 1 AND deleted_at = 10 FROM folders WHERE id = pg_temp.id('kept')),
        'Kept: at the top level, flagged, still in Trash';
    ASSERT (SELECT folder_id = pg_temp.id('kept') AND folder_gone = 0 FROM assets WHERE id = pg_temp.id('keptasset')),
        'kept.png: still in Kept, not flagged';
    PERFORM pg_temp.assert_counters('after delete permanently');

    -- Folders of one batch deleted in separate statements, parent first (a
    -- purge's LIMIT may cut there): the child moves to the top and is flagged,
    -- then goes too.
    INSERT INTO folders (space_id, parent_id, name, created_at, updated_at) VALUES (s, NULL, 'P', 1, 1)
    RETURNING id INTO i;
    INSERT INTO k VALUES ('p', i);
    INSERT INTO folders (space_id, parent_id, name, created_at, updated_at) VALUES (s, i, 'C', 1, 1)
    RETURNING id INTO i;
    INSERT INTO k VALUES ('c', i);
    UPDATE folders SET deleted_at = 30, expires_at = 30 + 1209600000, delete_batch = 'check-pc' WHERE id IN (pg_temp.id('p'), pg_temp.id('c'));
    DELETE FROM folders WHERE id = pg_temp.id('p');
    ASSERT (SELECT parent_id IS NULL AND parent_gone = 1 FROM folders WHERE id = pg_temp.id('c')), 'C flagged';
    DELETE FROM folders WHERE id = pg_temp.id('c');
    -- Child first, then parent: nothing to flag.
    INSERT INTO folders (space_id, parent_id, name, created_at, updated_at) VALUES (s, NULL, 'P2', 1, 1)
    RETURNING id INTO i;
    INSERT INTO k VALUES ('p2', i);
    INSERT INTO folders (space_id, parent_id, name, created_at, updated_at) VALUES (s, i, 'C2', 1, 1)
    RETURNING id INTO i;
    INSERT INTO k VALUES ('c2', i);
    DELETE FROM folders WHERE id = pg_temp.id('c2');
    DELETE FROM folders WHERE id = pg_temp.id('p2');

    -- The purge's statement (app/src/trash/purge.rs): expired folders whose
    -- batch has no asset left, any number of batches at once.
    DELETE FROM folders WHERE id IN (
        SELECT f.id FROM folders f
        WHERE f.deleted_at IS NOT NULL AND f.deleted_at <= 10 AND f.space_id = s
          AND NOT EXISTS (SELECT 1 FROM assets x WHERE x.delete_batch = f.delete_batch)
        LIMIT 100);
    -- Kept's batch still has early.png and kept.png: Kept stays.
    ASSERT EXISTS (SELECT 1 FROM folders WHERE id = pg_temp.id('kept')), 'Kept waits for its assets';

    -- A live asset left in a folder removed for good (not something the app
    -- does): it moves to the top level, flagged, and the counters follow.
    INSERT INTO folders (space_id, parent_id, name, created_at, updated_at) VALUES (s, NULL, 'Doomed', 1, 1)
    RETURNING id INTO i;
    INSERT INTO k VALUES ('doomed', i);
    INSERT INTO assets (space_id, name, mime_type, kind, size_bytes, storage_key, created_at, updated_at, folder_id)
    SELECT s, 'live ' || g, 'image/png', 'image', 1, 'check-doomed-' || g, 1, 1, i FROM generate_series(1, 5) g;
    SELECT root_assets INTO root_before FROM spaces WHERE id = s;
    DELETE FROM folders WHERE id = i;
    ASSERT (SELECT COUNT(*) FROM assets WHERE storage_key LIKE 'check-doomed-%'
            AND folder_id IS NULL AND folder_gone = 1 AND deleted_at IS NULL) = 5, 'live rows moved up';
    ASSERT (SELECT root_assets FROM spaces WHERE id = s) = root_before + 5, 'root_assets +5';
    PERFORM pg_temp.assert_counters('after removing a folder with live assets');

    -- Deleting the rest of space 1's folders and assets, contents first.
    DELETE FROM assets WHERE space_id = s;
    DELETE FROM folders WHERE space_id = s;
    PERFORM pg_temp.assert_counters('space 1 emptied');
    ASSERT (SELECT live_assets = 0 AND root_assets = 0 FROM spaces WHERE id = s), 'space 1 counters 0';
END $$;

\echo '== users removed: SET NULL and CASCADE'
DO $$
BEGIN
    UPDATE assets SET created_by = pg_temp.id('bob'), deleted_by = NULL
    WHERE space_id = pg_temp.id('s2') AND id % 2 = 0;
    DELETE FROM users WHERE id = pg_temp.id('bob');
    ASSERT NOT EXISTS (SELECT 1 FROM memberships WHERE user_id = pg_temp.id('bob')), 'membership cascaded';
    ASSERT NOT EXISTS (SELECT 1 FROM assets WHERE created_by = pg_temp.id('bob')), 'created_by set to NULL';
    -- A space with assets cannot go (NO ACTION), as on SQLite.
    PERFORM pg_temp.assert_fails(format('DELETE FROM spaces WHERE id = %s', pg_temp.id('s2')),
        '23503', 'a space with assets');
END $$;

\echo '== idempotency_keys and sign_in_failures (the app''s upserts)'
DO $$
DECLARE
    r record;
BEGIN
    INSERT INTO idempotency_keys (user_id, key, request_hash, created_at)
    VALUES (pg_temp.id('ann'), 'check-key', '\x0102'::bytea, 1)
    ON CONFLICT (user_id, key) DO UPDATE SET request_hash = excluded.request_hash,
        created_at = excluded.created_at, status = NULL, content_type = NULL, body = NULL;
    UPDATE idempotency_keys SET status = 201, content_type = 'application/json', body = '\x7b7d'::bytea
    WHERE user_id = pg_temp.id('ann') AND key = 'check-key';
    INSERT INTO idempotency_keys (user_id, key, request_hash, created_at)
    VALUES (pg_temp.id('ann'), 'check-key', '\x0303'::bytea, 2)
    ON CONFLICT (user_id, key) DO UPDATE SET request_hash = excluded.request_hash,
        created_at = excluded.created_at, status = NULL, content_type = NULL, body = NULL;
    SELECT * INTO r FROM idempotency_keys WHERE user_id = pg_temp.id('ann') AND key = 'check-key';
    ASSERT r.request_hash = '\x0303'::bytea AND r.status IS NULL AND r.body IS NULL, 'idempotency upsert';

    INSERT INTO sign_in_failures (key, started, failures) VALUES ('check:k', 100, 1)
    ON CONFLICT (key) DO UPDATE SET
      started = CASE WHEN sign_in_failures.started <= 50 THEN 100 ELSE sign_in_failures.started END,
      failures = CASE WHEN sign_in_failures.started <= 50 THEN 1 ELSE sign_in_failures.failures + 1 END
    RETURNING started, failures INTO r;
    INSERT INTO sign_in_failures (key, started, failures) VALUES ('check:k', 120, 1)
    ON CONFLICT (key) DO UPDATE SET
      started = CASE WHEN sign_in_failures.started <= 50 THEN 120 ELSE sign_in_failures.started END,
      failures = CASE WHEN sign_in_failures.started <= 50 THEN 1 ELSE sign_in_failures.failures + 1 END
    RETURNING started, failures INTO r;
    ASSERT r.started = 100 AND r.failures = 2, 'sign-in window upsert';
    ASSERT pg_typeof(r.failures)::text = 'bigint', 'failures is bigint';
END $$;

\echo '== every integer column is BIGINT, every text column has an explicit collation'
DO $$
DECLARE
    bad text;
BEGIN
    SELECT string_agg(table_name || '.' || column_name || ' ' || data_type, ', ') INTO bad
    FROM information_schema.columns
    WHERE table_schema = current_schema()
      AND table_name IN ('users', 'spaces', 'memberships', 'assets', 'audit_log', 'idempotency_keys',
                         'folders', 'sign_in_failures')
      AND data_type IN ('integer', 'smallint', 'numeric', 'boolean', 'blob');
    ASSERT bad IS NULL, 'not BIGINT: ' || bad;
    SELECT string_agg(table_name || '.' || column_name, ', ') INTO bad
    FROM information_schema.columns
    WHERE table_schema = current_schema() AND data_type = 'text' AND collation_name IS NULL
      AND table_name IN ('users', 'spaces', 'memberships', 'assets', 'audit_log', 'idempotency_keys',
                         'folders', 'sign_in_failures');
    ASSERT bad IS NULL, 'text without a collation: ' || bad;
END $$;

ROLLBACK;

\echo 'check.sql: all checks passed'
