-- The Usage filter's "In use": the PostgreSQL twin of ../0010_assets_in_use.sql.
CREATE INDEX assets_live_in_use ON assets (space_id, folder_id)
    WHERE deleted_at IS NULL AND used_in > 0;
