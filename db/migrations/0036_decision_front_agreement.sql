-- 0036_decision_front_agreement: a village head tables a matter after agreeing with the Ban công
-- tác Mặt trận (DOMAIN D2, Law Art 16), and an online vote needs the same agreement that a
-- meeting or ballots are unnecessary (D3, D6): the day of that agreement, '' for matters tabled
-- by others (residents' initiatives, the chairperson, an election team) or before this column.
ALTER TABLE decisions ADD COLUMN front_agreed_on TEXT NOT NULL DEFAULT '';
