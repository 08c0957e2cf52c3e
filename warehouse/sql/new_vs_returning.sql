-- Per digest day: papers listed, how many were listed for the first time, how many came back.
CREATE OR REPLACE VIEW new_vs_returning AS
WITH daily AS (
    SELECT DISTINCT digest_date, paper_id FROM digest_entries
),
firsts AS (
    SELECT paper_id, min(digest_date) AS first_seen FROM digest_entries GROUP BY paper_id
)
SELECT
    d.digest_date,
    count(*) AS papers,
    count(*) FILTER (WHERE f.first_seen = d.digest_date) AS new_papers,
    count(*) FILTER (WHERE f.first_seen < d.digest_date) AS returning_papers,
    round(count(*) FILTER (WHERE f.first_seen = d.digest_date) / count(*), 4) AS new_share
FROM daily AS d
JOIN firsts AS f USING (paper_id)
GROUP BY d.digest_date;
