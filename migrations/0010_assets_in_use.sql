-- The Usage filter's "In use": the live assets some source uses, found by
-- this partial index (a space's, or one folder's) instead of a walk of all
-- of a space's live assets testing `used_in`; it holds only the assets in
-- use, which are usually few. ("Not in use" is most of a space: walking a
-- sort's index finds a page of them at once.)
CREATE INDEX assets_live_in_use ON assets (space_id, folder_id)
    WHERE deleted_at IS NULL AND used_in > 0;
