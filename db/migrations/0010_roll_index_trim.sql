-- 0010_roll_index_trim: households_village (village_id, status) is a prefix of
-- households_village_page (village_id, status, code), so every query it served is served as well
-- by the other; it only cost every household write one more index page to change and to write to
-- the WAL at each commit.

DROP INDEX households_village;
