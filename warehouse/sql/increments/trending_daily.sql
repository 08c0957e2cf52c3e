-- Increment of trending_daily: every daily listing day on which a touched paper appears, whole
-- (ranks are per day, so a day is recomputed with all of its papers).
CREATE OR REPLACE TEMP TABLE scope_keys AS
SELECT DISTINCT digest_date FROM touched_entries WHERE listing = 'daily';
CREATE OR REPLACE VIEW digest_entries AS
SELECT * FROM {rows:digest_entries:digest_date:scope_keys};
-- and only the papers of those days' daily listings (titles and first sightings), not every
-- file of papers
CREATE OR REPLACE TEMP TABLE scope_papers AS
SELECT DISTINCT paper_id FROM digest_entries WHERE listing = 'daily';
CREATE OR REPLACE VIEW papers AS
SELECT * FROM {rows:papers:paper_id:scope_papers};
