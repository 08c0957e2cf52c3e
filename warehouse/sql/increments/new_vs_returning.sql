-- Increment of new_vs_returning: every day on which a touched paper appears, whole; each of
-- that day's papers is judged new or returning from all of its entries.
CREATE OR REPLACE TEMP TABLE scope_keys AS
SELECT DISTINCT digest_date FROM touched_entries;
CREATE OR REPLACE VIEW digest_entries AS
SELECT * FROM {main}.digest_entries
WHERE paper_id IN (
    SELECT paper_id FROM {main}.digest_entries WHERE digest_date IN (SELECT digest_date FROM scope_keys)
);
