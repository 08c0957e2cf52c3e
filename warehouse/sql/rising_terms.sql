-- Terms whose share of a week's papers beats their share over the 4 weeks before, with at least
-- 3 papers that week (minimum support). Weeks without 4 weeks of history before them are skipped
-- until some history exists (at least one earlier week).
-- Weeks come from papers_by_week.
CREATE OR REPLACE VIEW rising_terms AS
WITH seen AS (
    SELECT week, paper_id FROM papers_by_week
),
totals AS (
    SELECT week, count(*) AS papers_in_week FROM seen GROUP BY week
),
term_week AS (
    SELECT s.week, t.term, count(*) AS papers
    FROM seen AS s
    JOIN paper_terms AS t USING (paper_id)
    GROUP BY s.week, t.term
),
trailing_totals AS (
    SELECT w.week, CAST(sum(t.papers_in_week) AS BIGINT) AS trailing_papers
    FROM totals AS w
    JOIN totals AS t ON t.week >= w.week - INTERVAL 28 DAY AND t.week < w.week
    GROUP BY w.week
),
trailing_terms AS (
    SELECT tw.week, tw.term, CAST(coalesce(sum(p.papers), 0) AS BIGINT) AS trailing_with_term
    FROM term_week AS tw
    LEFT JOIN term_week AS p
        ON p.term = tw.term AND p.week >= tw.week - INTERVAL 28 DAY AND p.week < tw.week
    WHERE tw.papers >= 3
    GROUP BY tw.week, tw.term
)
SELECT
    tw.week,
    tw.term,
    tw.papers,
    tot.papers_in_week,
    round(tw.papers / tot.papers_in_week, 4) AS share,
    tt.trailing_with_term,
    trt.trailing_papers,
    round(tt.trailing_with_term / trt.trailing_papers, 4) AS trailing_share,
    round((tw.papers / tot.papers_in_week) / nullif(tt.trailing_with_term / trt.trailing_papers, 0), 3) AS lift
FROM term_week AS tw
JOIN totals AS tot USING (week)
JOIN trailing_terms AS tt USING (week, term)
JOIN trailing_totals AS trt USING (week)
WHERE tw.papers / tot.papers_in_week > tt.trailing_with_term / trt.trailing_papers;
