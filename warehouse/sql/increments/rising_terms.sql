-- Increment of rising_terms: every week in which a touched paper was seen and the 4 weeks after
-- it (their trailing window includes it), each computed from itself and its 4 weeks before.
CREATE OR REPLACE TEMP TABLE scope_keys AS
SELECT DISTINCT CAST(p.week + INTERVAL (7 * k.range) DAY AS DATE) AS week
FROM {papers_by_week} AS p, range(0, 5) AS k
WHERE p.paper_id IN (SELECT paper_id FROM touched);
CREATE OR REPLACE VIEW papers_by_week AS
SELECT * FROM {papers_by_week}
WHERE week IN (
    SELECT CAST(s.week - INTERVAL (7 * k.range) DAY AS DATE) FROM scope_keys AS s, range(0, 5) AS k
);
