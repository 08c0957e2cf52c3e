-- Increment of rising_terms: every week whose papers changed or that saw a paper whose terms
-- changed, and the 52 weeks after each (their year window includes it), each computed from
-- itself and its 52 weeks before. A daily run's week has no weeks after it yet.
CREATE OR REPLACE TEMP TABLE scope_keys AS
SELECT DISTINCT CAST(w.week + INTERVAL (7 * k.range) DAY AS DATE) AS week
FROM (
    SELECT week FROM changed_weeks
    UNION
    SELECT week FROM {papers_by_week} WHERE paper_id IN (SELECT paper_id FROM paper_terms_changed)
) AS w, range(0, 53) AS k;
CREATE OR REPLACE TEMP TABLE scope_seen AS
SELECT * FROM {papers_by_week}
WHERE week IN (
    SELECT CAST(s.week - INTERVAL (7 * k.range) DAY AS DATE) FROM scope_keys AS s, range(0, 53) AS k
);
CREATE OR REPLACE VIEW papers_by_week AS SELECT * FROM scope_seen;
-- only those weeks' papers' terms (years of terms otherwise feed the join)
CREATE OR REPLACE VIEW paper_terms AS
SELECT * FROM {rows:paper_terms:paper_id:scope_seen};
