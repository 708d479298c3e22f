-- 0024_case_submit_key: the public form's one-time key (a random value in the form), so that a
-- resident who sends again after losing the answer (a dropped connection, a double tap) gets the
-- case already made instead of a second one. NULL for cases made otherwise.
ALTER TABLE cases ADD COLUMN submit_key TEXT;
CREATE UNIQUE INDEX cases_submit_key ON cases(submit_key) WHERE submit_key IS NOT NULL;
