-- 0027_decision_consents: a citizen initiative (sáng kiến, DOMAIN D2). Residents propose a
-- matter; households consent to it, online as the household's representative or on paper
-- entered by the village head. Consent from at least 10% of the village's households obliges
-- the village head to table it; each consent is valid 3 months from the day it was given, so the
-- count is made on the day it is read, never stored.
CREATE TABLE decision_consents (
    decision_id BIGINT NOT NULL REFERENCES decisions(id),
    household_id BIGINT NOT NULL REFERENCES households(id),
    given_on TEXT NOT NULL,
    source TEXT NOT NULL CHECK (source IN ('online', 'paper')),
    entered_by BIGINT REFERENCES accounts(id),
    PRIMARY KEY (decision_id, household_id)
);
CREATE INDEX decision_consents_day ON decision_consents(decision_id, given_on);
