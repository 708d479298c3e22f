-- 0009_cache_versions: counters that tell a server its in-memory copies are still true.
--
-- A server keeps some rarely changing tables in memory per connection: the unit tree
-- (src/units/cache.c) and signed-in sessions with their roles (src/auth/session.c). Each copy is
-- checked once per request against its row here (one query for all of them, db_cache_version),
-- and the triggers below bump the row whenever what it covers changes, by any process or server.
-- The counts kept on units by 0008 change with every household and do not bump 'units'.

CREATE TABLE cache_versions (
    name TEXT PRIMARY KEY,
    version BIGINT NOT NULL
);
INSERT INTO cache_versions (name, version) VALUES ('units', 1);
INSERT INTO cache_versions (name, version) VALUES ('auth', 1);

-- dialect: sqlite
CREATE TRIGGER units_cache_ai AFTER INSERT ON units BEGIN
    UPDATE cache_versions SET version = version + 1 WHERE name = 'units';
END;
CREATE TRIGGER units_cache_au AFTER UPDATE OF code, kind, name, parent_id ON units BEGIN
    UPDATE cache_versions SET version = version + 1 WHERE name = 'units';
END;
CREATE TRIGGER units_cache_ad AFTER DELETE ON units BEGIN
    UPDATE cache_versions SET version = version + 1 WHERE name = 'units';
END;
CREATE TRIGGER sessions_cache_ai AFTER INSERT ON sessions BEGIN
    UPDATE cache_versions SET version = version + 1 WHERE name = 'auth';
END;
CREATE TRIGGER sessions_cache_au AFTER UPDATE ON sessions BEGIN
    UPDATE cache_versions SET version = version + 1 WHERE name = 'auth';
END;
CREATE TRIGGER sessions_cache_ad AFTER DELETE ON sessions BEGIN
    UPDATE cache_versions SET version = version + 1 WHERE name = 'auth';
END;
CREATE TRIGGER accounts_cache_au AFTER UPDATE ON accounts BEGIN
    UPDATE cache_versions SET version = version + 1 WHERE name = 'auth';
END;
CREATE TRIGGER accounts_cache_ad AFTER DELETE ON accounts BEGIN
    UPDATE cache_versions SET version = version + 1 WHERE name = 'auth';
END;
CREATE TRIGGER account_roles_cache_ai AFTER INSERT ON account_roles BEGIN
    UPDATE cache_versions SET version = version + 1 WHERE name = 'auth';
END;
CREATE TRIGGER account_roles_cache_au AFTER UPDATE ON account_roles BEGIN
    UPDATE cache_versions SET version = version + 1 WHERE name = 'auth';
END;
CREATE TRIGGER account_roles_cache_ad AFTER DELETE ON account_roles BEGIN
    UPDATE cache_versions SET version = version + 1 WHERE name = 'auth';
END;
-- dialect: postgres
CREATE FUNCTION cache_version_bump() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE cache_versions SET version = version + 1 WHERE name = TG_ARGV[0];
    RETURN NULL;
END $$;
CREATE TRIGGER units_cache AFTER INSERT OR UPDATE OF code, kind, name, parent_id OR DELETE
    ON units FOR EACH STATEMENT EXECUTE FUNCTION cache_version_bump('units');
CREATE TRIGGER sessions_cache AFTER INSERT OR UPDATE OR DELETE
    ON sessions FOR EACH STATEMENT EXECUTE FUNCTION cache_version_bump('auth');
CREATE TRIGGER accounts_cache AFTER UPDATE OR DELETE
    ON accounts FOR EACH STATEMENT EXECUTE FUNCTION cache_version_bump('auth');
CREATE TRIGGER account_roles_cache AFTER INSERT OR UPDATE OR DELETE
    ON account_roles FOR EACH STATEMENT EXECUTE FUNCTION cache_version_bump('auth');
