-- 0035_decision_amendment: amending a community decision (DOMAIN D9, Law Art 22). For a breach
-- of procedure the UBND may, instead of annulling, ask the community to amend its decision, in
-- writing with its reasons (amend_request, amend_requested_on); the community amends by a new
-- matter decided again under Arts 18-21, which names the decision it amends (amends_id).
ALTER TABLE decisions ADD COLUMN amend_request TEXT NOT NULL DEFAULT '';
ALTER TABLE decisions ADD COLUMN amend_requested_on TEXT NOT NULL DEFAULT '';
ALTER TABLE decisions ADD COLUMN amends_id BIGINT REFERENCES decisions(id);
CREATE INDEX decisions_amends ON decisions(amends_id);
