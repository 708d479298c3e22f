-- 0022_case_qa: answered cases published as questions and answers (issue 4). An official
-- chooses to publish a case and writes the question and answer as the public will read them
-- (no name, address or other personal detail: the case row keeps the original); qa_published_at
-- is when it went public (NULL: not published), withdrawn by setting it back to NULL.
ALTER TABLE cases ADD COLUMN qa_question TEXT NOT NULL DEFAULT '';
ALTER TABLE cases ADD COLUMN qa_answer TEXT NOT NULL DEFAULT '';
ALTER TABLE cases ADD COLUMN qa_published_at BIGINT;
CREATE INDEX cases_qa ON cases(unit_id, qa_published_at);
