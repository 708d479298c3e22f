-- 0007_search_forward: newest-first search that walks the index forwards.
--
-- FTS5 walks a document list backwards (ORDER BY rowid DESC) at about half the speed of
-- forwards, and search is newest first. So the index's rowid becomes 2^40 - id (a virtual
-- column of search_docs, search_key): ascending index order is newest first. Measured over
-- 100,000 items with 16 clients: 1,730 -> 3,720 searches/s, p99 28 -> 17 ms.
-- PostgreSQL's GIN search is unchanged.

-- dialect: sqlite
ALTER TABLE search_docs ADD COLUMN search_key INTEGER
    GENERATED ALWAYS AS (1099511627776 - id) VIRTUAL;
DROP TRIGGER search_docs_ai;
DROP TRIGGER search_docs_ad;
DROP TRIGGER search_docs_au;
DROP TABLE search_fts;
CREATE VIRTUAL TABLE search_fts USING fts5(
    title, body, tags, content = 'search_docs', content_rowid = 'search_key', tokenize = 'danchu',
    prefix = '1 2 3 4'
);
INSERT INTO search_fts (search_fts) VALUES ('rebuild');
CREATE TRIGGER search_docs_ai AFTER INSERT ON search_docs BEGIN
    INSERT INTO search_fts (rowid, title, body, tags)
        VALUES (1099511627776 - new.id, new.title, new.body, new.tags);
END;
CREATE TRIGGER search_docs_ad AFTER DELETE ON search_docs BEGIN
    INSERT INTO search_fts (search_fts, rowid, title, body, tags)
        VALUES ('delete', 1099511627776 - old.id, old.title, old.body, old.tags);
END;
CREATE TRIGGER search_docs_au AFTER UPDATE ON search_docs BEGIN
    INSERT INTO search_fts (search_fts, rowid, title, body, tags)
        VALUES ('delete', 1099511627776 - old.id, old.title, old.body, old.tags);
    INSERT INTO search_fts (rowid, title, body, tags)
        VALUES (1099511627776 - new.id, new.title, new.body, new.tags);
END;
-- dialect: postgres
SELECT 1;
