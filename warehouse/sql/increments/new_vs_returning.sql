-- Increment of new_vs_returning: every day on which a touched paper appears, whole; each of
-- that day's papers is judged new or returning from all of its entries.
CREATE OR REPLACE TEMP TABLE scope_keys AS
SELECT DISTINCT digest_date FROM touched_entries;
CREATE OR REPLACE TEMP TABLE scope_papers AS
SELECT DISTINCT paper_id FROM {rows:digest_entries:digest_date:scope_keys};
CREATE OR REPLACE VIEW digest_entries AS
SELECT * FROM {rows:digest_entries:paper_id:scope_papers};
