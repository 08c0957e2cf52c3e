-- Per source (format/listing) and day, from the source's first digest to the newest digest of any
-- source: was a digest expected, how many landed, how many entries, and is it a gap.
-- Expected: Hugging Face listings every day; arXiv listings Monday to Friday except the days
-- arXiv does not announce (25 Dec, 1 Jan; other closures vary by year and are not flagged).
-- Other listings (weekly, monthly, e-mail, searches, queries) are never expected, so never gaps.
CREATE OR REPLACE VIEW coverage AS
WITH per_day AS (
    SELECT
        format || '/' || listing AS source,
        digest_date AS day,
        count(*) AS digests,
        CAST(sum(n_entries) AS BIGINT) AS entries
    FROM digests
    GROUP BY ALL
),
bounds AS (
    SELECT source, min(day) AS first_day FROM per_day GROUP BY source
),
calendar AS (
    SELECT
        b.source,
        CAST(unnest(generate_series(
            CAST(b.first_day AS TIMESTAMP),
            CAST((SELECT max(digest_date) FROM digests) AS TIMESTAMP),
            INTERVAL 1 DAY
        )) AS DATE) AS day
    FROM bounds AS b
)
SELECT
    c.source,
    c.day,
    CASE
        WHEN c.source IN ('hf_daily_json/daily', 'hf_page_html/daily', 'hf_page_text/daily') THEN true
        WHEN c.source = 'arxiv_rss/arxiv_listing' THEN
            isodow(c.day) <= 5
            AND NOT (month(c.day) = 12 AND day(c.day) = 25)
            AND NOT (month(c.day) = 1 AND day(c.day) = 1)
        ELSE false
    END AS expected,
    coalesce(p.digests, 0) AS landed,
    coalesce(p.entries, 0) AS entries,
    (expected AND coalesce(p.digests, 0) = 0) AS gap
FROM calendar AS c
LEFT JOIN per_day AS p USING (source, day);
