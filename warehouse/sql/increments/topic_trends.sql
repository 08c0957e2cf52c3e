-- Increment of topic_trends: every week whose papers changed, and every week in which a paper
-- whose topics changed was seen, whole (the share's denominator is the week's papers). Weeks
-- come from the papers_by_week mart, already refreshed.
CREATE OR REPLACE TEMP TABLE scope_keys AS
SELECT week FROM changed_weeks
UNION
SELECT week FROM {papers_by_week} WHERE paper_id IN (SELECT paper_id FROM paper_topics_changed);
CREATE OR REPLACE TEMP TABLE scope_seen AS
SELECT * FROM {papers_by_week} WHERE week IN (SELECT week FROM scope_keys);
CREATE OR REPLACE VIEW papers_by_week AS SELECT * FROM scope_seen;
-- only those weeks' papers' topics (years of topics otherwise feed the join)
CREATE OR REPLACE VIEW paper_topics AS
SELECT * FROM {rows:paper_topics:paper_id:scope_seen};
