-- 0003_registration: residents register with a phone number and wait for the village head
-- (or an SMS code plus a phone already on the roll) to link them to their household.
ALTER TABLE accounts ADD COLUMN claimed_household TEXT NOT NULL DEFAULT '';
CREATE INDEX accounts_pending ON accounts(unit_id, status);
