-- 0033_meeting_secretary: a meeting elects its secretary and chooses between a show of hands and
-- a secret ballot, each by more than half of those attending (D4, D59 Art 3). The votes are
-- recorded with the meeting's (or cluster's) count; -1 where they were not recorded.
ALTER TABLE decision_tallies ADD COLUMN secretary_votes INTEGER NOT NULL DEFAULT -1;
ALTER TABLE decision_tallies ADD COLUMN method_votes INTEGER NOT NULL DEFAULT -1;
