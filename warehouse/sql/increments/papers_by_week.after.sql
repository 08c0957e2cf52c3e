-- After the increment of papers_by_week, before its files are rewritten: the weeks whose set of
-- papers changed (a paper seen again in a week it was already in changes nothing there).
-- topic_trends and rising_terms recompute from these.
CREATE OR REPLACE TEMP TABLE changed_weeks AS
WITH old AS (
    SELECT week, paper_id FROM {papers_by_week}
    WHERE paper_id IN (SELECT paper_id FROM touched)
),
new AS (
    SELECT week, paper_id FROM fresh
)
SELECT DISTINCT week FROM (
    (SELECT * FROM new EXCEPT SELECT * FROM old)
    UNION ALL
    (SELECT * FROM old EXCEPT SELECT * FROM new)
);
