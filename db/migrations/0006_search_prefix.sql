-- 0006_search_prefix: fast search by word beginnings, newest first, within a unit and kind.
--
-- SQLite: without a prefix index FTS5 answers "dau"* by merging the document lists of every
-- indexed word that starts with "dau", and filtering by unit after the full-text match read a
-- search_docs row for every match: 100-200 ms per query over 100,000 documents. The index is
-- rebuilt with prefix indexes of 1 to 4 characters, and with a third column, tags ("u12
-- kdisclosure": the unit id and the kind as words), so that the unit and kind are matched
-- inside the index and the newest `limit` matches are all it reads.
-- PostgreSQL answers "dau:*" from its GIN index and filters by column; it keeps tags only so
-- that both engines have the same table.

-- dialect: both
ALTER TABLE search_docs ADD COLUMN tags TEXT NOT NULL DEFAULT '';
UPDATE search_docs SET tags = 'u' || unit_id || ' k' || kind;

-- dialect: sqlite
DROP TRIGGER search_docs_ai;
DROP TRIGGER search_docs_ad;
DROP TRIGGER search_docs_au;
DROP TABLE search_fts;
CREATE VIRTUAL TABLE search_fts USING fts5(
    title, body, tags, content = 'search_docs', content_rowid = 'id', tokenize = 'danchu',
    prefix = '1 2 3 4'
);
INSERT INTO search_fts (search_fts) VALUES ('rebuild');
CREATE TRIGGER search_docs_ai AFTER INSERT ON search_docs BEGIN
    INSERT INTO search_fts (rowid, title, body, tags)
        VALUES (new.id, new.title, new.body, new.tags);
END;
CREATE TRIGGER search_docs_ad AFTER DELETE ON search_docs BEGIN
    INSERT INTO search_fts (search_fts, rowid, title, body, tags)
        VALUES ('delete', old.id, old.title, old.body, old.tags);
END;
CREATE TRIGGER search_docs_au AFTER UPDATE ON search_docs BEGIN
    INSERT INTO search_fts (search_fts, rowid, title, body, tags)
        VALUES ('delete', old.id, old.title, old.body, old.tags);
    INSERT INTO search_fts (rowid, title, body, tags)
        VALUES (new.id, new.title, new.body, new.tags);
END;
