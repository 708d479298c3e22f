-- 0013_disclosure_owner: who answers for each item's disclosure plan (DOMAIN C4: content,
-- channels, start, duration and owner). The other four were already on the item or follow from
-- it by the rules; the owner is the official named on the item's plan ("người phụ trách").

ALTER TABLE disclosures ADD COLUMN owner TEXT NOT NULL DEFAULT '';
