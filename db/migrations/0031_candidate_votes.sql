-- 0031_candidate_votes: an election with candidates (D10, F1, F2) is counted per candidate: each
-- count of hands or paper (decision_tallies) carries the votes of every candidate. The one
-- with the most votes is elected when those votes reach the matter's threshold of ALL households
-- of the village (D1); a tie elects nobody.
CREATE TABLE decision_candidate_votes (
    decision_id BIGINT NOT NULL REFERENCES decisions(id),
    source TEXT NOT NULL,
    cluster TEXT NOT NULL DEFAULT '',
    candidate TEXT NOT NULL,
    votes INTEGER NOT NULL CHECK (votes >= 0),
    PRIMARY KEY (decision_id, source, cluster, candidate)
);
