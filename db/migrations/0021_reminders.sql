-- 0021_reminders: reminders of cases due and overdue (issue 4). An account's e-mail address,
-- where its reminders go ('' when none; set on the account page or by `danchu users add
-- --email`), and the cases of every commune by their next deadline, for the reminder scan
-- (cases_due serves one commune's queue; this one the scan across communes).
ALTER TABLE accounts ADD COLUMN email TEXT NOT NULL DEFAULT '';
CREATE INDEX cases_due_on ON cases(due_on);
