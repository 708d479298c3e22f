-- 0012_roll_checks: the roll's CHECK constraints as comparisons instead of IN lists.
--
-- SQLite builds a temporary index for a CHECK (x IN ('a', 'b', 'c')) every time a row is
-- inserted: three per household added (households.status, members.gender, members.status),
-- a tenth of the writer's work. The same checks written as x = 'a' OR x = 'b' ... cost a few
-- comparisons. SQLite cannot change a constraint in place, so households and members are
-- rebuilt the documented way (new table, copy, drop, rename; foreign keys off around the
-- transaction and checked before it commits), with their indexes and the triggers of 0008.
-- PostgreSQL checks IN lists without that cost and keeps its tables.
-- sqlite: foreign_keys off

-- dialect: sqlite
DROP TRIGGER members_summary_ai;
DROP TRIGGER members_summary_au;
DROP TRIGGER members_summary_name;
DROP TRIGGER households_summary_rep;
DROP TRIGGER households_summary_ai;
DROP TRIGGER households_count_ai;
DROP TRIGGER households_count_au;

CREATE TABLE households_new (
    id INTEGER PRIMARY KEY,
    commune_id BIGINT NOT NULL REFERENCES units(id),
    village_id BIGINT NOT NULL REFERENCES units(id),
    code TEXT NOT NULL,
    address TEXT NOT NULL DEFAULT '',
    status TEXT NOT NULL DEFAULT 'active'
        CHECK (status = 'active' OR status = 'moved_out' OR status = 'merged'
               OR status = 'dissolved'),
    representative_id BIGINT,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    n_members INTEGER NOT NULL DEFAULT 0,
    representative_name TEXT NOT NULL DEFAULT '',
    UNIQUE (commune_id, code)
);
INSERT INTO households_new (id, commune_id, village_id, code, address, status, representative_id,
                            created_at, updated_at, n_members, representative_name)
    SELECT id, commune_id, village_id, code, address, status, representative_id, created_at,
           updated_at, n_members, representative_name FROM households;
DROP TABLE households;
ALTER TABLE households_new RENAME TO households;
CREATE INDEX households_village_page ON households(village_id, status, code);
CREATE INDEX households_commune_page ON households(commune_id, status, code);

CREATE TABLE members_new (
    id INTEGER PRIMARY KEY,
    household_id BIGINT NOT NULL REFERENCES households(id),
    full_name TEXT NOT NULL,
    name_fold TEXT NOT NULL,
    birth TEXT NOT NULL DEFAULT '',
    gender TEXT NOT NULL DEFAULT ''
        CHECK (gender = '' OR gender = 'nam' OR gender = 'nu' OR gender = 'khac'),
    relation TEXT NOT NULL DEFAULT '',
    phone TEXT NOT NULL DEFAULT '',
    national_id TEXT NOT NULL DEFAULT '',
    status TEXT NOT NULL DEFAULT 'active'
        CHECK (status = 'active' OR status = 'left' OR status = 'deceased'),
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
INSERT INTO members_new (id, household_id, full_name, name_fold, birth, gender, relation, phone,
                         national_id, status, created_at, updated_at)
    SELECT id, household_id, full_name, name_fold, birth, gender, relation, phone, national_id,
           status, created_at, updated_at FROM members;
DROP TABLE members;
ALTER TABLE members_new RENAME TO members;
CREATE INDEX members_household ON members(household_id, status);

CREATE TRIGGER members_summary_ai AFTER INSERT ON members WHEN new.status = 'active' BEGIN
    UPDATE households SET n_members = n_members + 1 WHERE id = new.household_id;
END;
CREATE TRIGGER members_summary_au AFTER UPDATE OF status, household_id ON members BEGIN
    UPDATE households SET n_members = n_members - 1
        WHERE id = old.household_id AND old.status = 'active';
    UPDATE households SET n_members = n_members + 1
        WHERE id = new.household_id AND new.status = 'active';
END;
CREATE TRIGGER members_summary_name AFTER UPDATE OF full_name ON members BEGIN
    UPDATE households SET representative_name = new.full_name
        WHERE (id = old.household_id OR id = new.household_id) AND representative_id = new.id;
END;
CREATE TRIGGER households_summary_rep AFTER UPDATE OF representative_id ON households BEGIN
    UPDATE households SET representative_name =
        COALESCE((SELECT full_name FROM members WHERE id = new.representative_id), '')
        WHERE id = new.id;
END;
CREATE TRIGGER households_summary_ai AFTER INSERT ON households
    WHEN new.representative_id IS NOT NULL BEGIN
    UPDATE households SET representative_name =
        COALESCE((SELECT full_name FROM members WHERE id = new.representative_id), '')
        WHERE id = new.id;
END;
CREATE TRIGGER households_count_ai AFTER INSERT ON households BEGIN
    UPDATE units SET n_households = n_households + 1,
                     n_active = n_active + (CASE WHEN new.status = 'active' THEN 1 ELSE 0 END)
        WHERE id = new.village_id;
END;
CREATE TRIGGER households_count_au AFTER UPDATE OF status, village_id ON households BEGIN
    UPDATE units SET n_households = n_households - 1,
                     n_active = n_active - (CASE WHEN old.status = 'active' THEN 1 ELSE 0 END)
        WHERE id = old.village_id;
    UPDATE units SET n_households = n_households + 1,
                     n_active = n_active + (CASE WHEN new.status = 'active' THEN 1 ELSE 0 END)
        WHERE id = new.village_id;
END;
-- dialect: postgres
SELECT 1;
