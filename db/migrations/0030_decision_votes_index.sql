-- 0030_decision_votes_index: drop decision_votes_channel. Turnout by channel scans one matter's
-- rows through the primary key (decision_id, household_id) just as well, and the index cost every
-- vote a second random page write (about a tenth of the writer's time in the closing rush).
DROP INDEX decision_votes_channel;
