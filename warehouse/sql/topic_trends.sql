-- Per ISO week (Monday) and topic: papers seen that week with the topic, every paper seen that
-- week (the denominator), and the share. Read growth from share, not from counts: more sources
-- landing means more papers in every topic.
-- Weeks come from papers_by_week.
CREATE OR REPLACE VIEW topic_trends AS
WITH seen AS (
    SELECT week, paper_id FROM papers_by_week
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
