-- 0009_units_version: a counter bumped whenever the unit tree changes (a unit added, renamed,
-- moved or removed), so that a server can keep the tree in memory and read one row per request
-- to know it is still true (src/units/cache.c). The counts kept on units by 0008 change with
-- every household and do not bump it.

CREATE TABLE units_version (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    version BIGINT NOT NULL
);
INSERT INTO units_version (id, version) VALUES (1, 1);

-- dialect: sqlite
CREATE TRIGGER units_version_ai AFTER INSERT ON units BEGIN
    UPDATE units_version SET version = version + 1 WHERE id = 1;
END;
CREATE TRIGGER units_version_au AFTER UPDATE OF code, kind, name, parent_id ON units BEGIN
    UPDATE units_version SET version = version + 1 WHERE id = 1;
END;
CREATE TRIGGER units_version_ad AFTER DELETE ON units BEGIN
    UPDATE units_version SET version = version + 1 WHERE id = 1;
END;
-- dialect: postgres
CREATE FUNCTION units_version_bump() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE units_version SET version = version + 1 WHERE id = 1;
    RETURN NULL;
END $$;
CREATE TRIGGER units_version_bump AFTER INSERT OR UPDATE OF code, kind, name, parent_id OR DELETE
    ON units FOR EACH STATEMENT EXECUTE FUNCTION units_version_bump();
