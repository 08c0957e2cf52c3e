-- Terms rising in a week: their share of the week's papers beats their baseline by at least
-- half again (lift >= 1.5), with at least 3 papers that week (minimum support), and they are
-- not a field: a term in more than 5% of the papers of the year up to that week ("large
-- language models") would rise on volume alone (a year of fewer than 200 papers is too thin to
-- call anything a field: 5% of it is under 10 papers).
-- The baseline is the share in the 4 weeks before, pulled toward the year's share by 20
-- pseudo-papers: a thin trailing window gives a new term neither infinite lift nor a rare one
-- a huge one. Weeks with no earlier week are skipped until some history exists.
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
window_totals AS (
    SELECT
        w.week,
        CAST(coalesce(sum(t.papers_in_week) FILTER (
            WHERE t.week >= w.week - INTERVAL 28 DAY AND t.week < w.week
        ), 0) AS BIGINT) AS trailing_papers,
        CAST(sum(t.papers_in_week) AS BIGINT) AS year_papers
    FROM totals AS w
    JOIN totals AS t ON t.week > w.week - INTERVAL 364 DAY AND t.week <= w.week
    GROUP BY w.week
),
window_terms AS (
    SELECT
        c.week,
        c.term,
        CAST(coalesce(sum(p.papers) FILTER (
            WHERE p.week >= c.week - INTERVAL 28 DAY AND p.week < c.week
        ), 0) AS BIGINT) AS trailing_with_term,
        CAST(sum(p.papers) AS BIGINT) AS year_with_term
    FROM term_week AS c
    JOIN term_week AS p
        ON p.term = c.term AND p.week > c.week - INTERVAL 364 DAY AND p.week <= c.week
    WHERE c.papers >= 3
    GROUP BY c.week, c.term
),
scored AS (
    SELECT
        tw.week,
        tw.term,
        tw.papers,
        tot.papers_in_week,
        tw.papers / tot.papers_in_week AS share,
        wt.trailing_with_term,
        wtot.trailing_papers,
        wtot.year_papers,
        wt.trailing_with_term / wtot.trailing_papers AS trailing_share,
        wt.year_with_term / wtot.year_papers AS year_share,
        (wt.trailing_with_term + 20 * wt.year_with_term / wtot.year_papers)
            / (wtot.trailing_papers + 20) AS baseline_share
    FROM term_week AS tw
    JOIN totals AS tot USING (week)
    JOIN window_terms AS wt USING (week, term)
    JOIN window_totals AS wtot USING (week)
    WHERE wtot.trailing_papers > 0
)
SELECT
    week,
    term,
    papers,
    papers_in_week,
    round(share, 4) AS share,
    trailing_with_term,
    trailing_papers,
    round(trailing_share, 4) AS trailing_share,
    round(year_share, 4) AS year_share,
    round(baseline_share, 4) AS baseline_share,
    round(share / baseline_share, 3) AS lift
FROM scored
WHERE (year_share <= 0.05 OR year_papers < 200) AND share / baseline_share >= 1.5;
