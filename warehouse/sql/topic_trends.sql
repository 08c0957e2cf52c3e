-- Per ISO week (Monday) and topic: papers seen that week with the topic, every paper seen that
-- week (the denominator), and the share. Read growth from share, not from counts: more sources
-- landing means more papers in every topic.
-- A paper is placed in the week it was submitted to its listing (a monthly listing spreads
-- over its weeks), else the week of its digest.
CREATE OR REPLACE VIEW topic_trends AS
WITH seen AS (
    SELECT DISTINCT CAST(date_trunc('week', coalesce(submitted_date, digest_date)) AS DATE) AS week, paper_id
    FROM digest_entries
),
totals AS (
    SELECT week, count(*) AS papers_in_week FROM seen GROUP BY week
),
per_topic AS (
    SELECT s.week, t.topic, count(*) AS papers
    FROM seen AS s
    JOIN paper_topics AS t USING (paper_id)
    GROUP BY s.week, t.topic
)
SELECT
    p.week,
    p.topic,
    p.papers,
    tot.papers_in_week,
    round(p.papers / tot.papers_in_week, 4) AS share
FROM per_topic AS p
JOIN totals AS tot USING (week);
