-- 0011_search_detail_column: the search index keeps which column each word is in, not where.
--
-- Every query word is matched alone (a prefix of one word) and snippets are cut in C from the
-- stored text, so word positions in the index (FTS5's default detail=full) served nothing and
-- made every posting list several times longer to read.
-- PostgreSQL's GIN search is unchanged.

-- dialect: sqlite
DROP TRIGGER search_docs_ai;
DROP TRIGGER search_docs_ad;
DROP TRIGGER search_docs_au;
DROP TABLE search_fts;
CREATE VIRTUAL TABLE search_fts USING fts5(
    title, body, tags, content = 'search_docs', content_rowid = 'search_key', tokenize = 'danchu',
    prefix = '1 2 3 4', detail = column
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
