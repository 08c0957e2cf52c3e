-- Increment of topic_trends: every week in which a touched paper was seen, whole (the share's
-- denominator is the week's papers). Weeks come from the papers_by_week mart, already refreshed.
CREATE OR REPLACE TEMP TABLE scope_keys AS
SELECT DISTINCT week FROM {papers_by_week} WHERE paper_id IN (SELECT paper_id FROM touched);
CREATE OR REPLACE VIEW papers_by_week AS
SELECT * FROM {papers_by_week} WHERE week IN (SELECT week FROM scope_keys);
