-- 0032_decision_preparation: what the law asks before the vote, recorded and checked against its
-- periods: for M1-M3 the documents reach every household at least 2 days before the meeting
-- (D4); household ballots and online votes need a team of 3-5 led by the Ban công tác Mặt trận
-- (D5, D6: with a member who knows IT), a plan sent to the Chairman and the MTTQ within 2 days of
-- being issued, and notice at least 2 days before ballots are distributed (D5).
ALTER TABLE decisions ADD COLUMN documents_on TEXT NOT NULL DEFAULT '';
ALTER TABLE decisions ADD COLUMN team TEXT NOT NULL DEFAULT '';
ALTER TABLE decisions ADD COLUMN team_it TEXT NOT NULL DEFAULT '';
ALTER TABLE decisions ADD COLUMN plan_issued_on TEXT NOT NULL DEFAULT '';
ALTER TABLE decisions ADD COLUMN plan_sent_on TEXT NOT NULL DEFAULT '';
ALTER TABLE decisions ADD COLUMN distribution_on TEXT NOT NULL DEFAULT '';
