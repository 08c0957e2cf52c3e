-- Increment of trending_daily: every daily listing day on which a touched paper appears, whole
-- (ranks are per day, so a day is recomputed with all of its papers).
CREATE OR REPLACE TEMP TABLE scope_keys AS
SELECT DISTINCT digest_date FROM touched_entries WHERE listing = 'daily';
CREATE OR REPLACE VIEW digest_entries AS
SELECT * FROM {main}.digest_entries WHERE digest_date IN (SELECT digest_date FROM scope_keys);
