-- Per paper and source: the day it first appeared there, the day it first appeared anywhere,
-- and the lag in days (0 for the source that had it first).
CREATE OR REPLACE VIEW source_lag AS
WITH firsts AS (
    SELECT e.paper_id, d.format AS source, min(e.digest_date) AS first_in_source
    FROM digest_entries AS e
    JOIN digests AS d USING (digest_id)
    GROUP BY e.paper_id, d.format
),
overall AS (
    SELECT
        paper_id,
        min(first_in_source) AS first_anywhere,
        arg_min(source, (first_in_source, source)) AS first_source,
        count(*) AS n_sources
    FROM firsts
    GROUP BY paper_id
)
SELECT
    f.paper_id,
    f.source,
    f.first_in_source,
    o.first_anywhere,
    o.first_source,
    date_diff('day', o.first_anywhere, f.first_in_source) AS lag_days,
    o.n_sources
FROM firsts AS f
JOIN overall AS o USING (paper_id);
