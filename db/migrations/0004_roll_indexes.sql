-- 0004_roll_indexes: the household list reads one page of a village or a commune in code order
-- straight from an index instead of sorting every household of the unit.
CREATE INDEX households_village_page ON households(village_id, status, code);
CREATE INDEX households_commune_page ON households(commune_id, status, code);
