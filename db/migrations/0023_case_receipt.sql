-- 0023_case_receipt: a case's receipt is in its history through the case row itself (day,
-- time, channel, who entered it: src/feedback/store.c sql_events), no longer as a case_events
-- row of its own, which every submission paid for. The rows written before go: the case row
-- holds everything they said.
DELETE FROM case_events WHERE kind = 'received';
