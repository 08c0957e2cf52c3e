-- One row per paper: its code's momentum, from the stars every observation recorded.
-- stars_first: at its first observation with stars on its first listed day; stars_day7 and
-- stars_day30: at the last observation within 7 and 30 days of that day (NULL when none had
-- stars); stars_per_day: stars gained per day between its first and last observations with
-- stars (NULL when they were on one day). trended: in the top 10 of a listing ranked by votes
-- at least once; trended_without_code: trended, and no repository nor any stars ever seen.
CREATE OR REPLACE VIEW code_momentum AS
WITH obs AS (
    SELECT
        paper_id,
        min(digest_date) AS first_seen,
        -- ranks by votes: a listing without upvotes (an arXiv feed) is in no trending order
        min(position) FILTER (WHERE upvotes IS NOT NULL) AS best_position
    FROM digest_entries
    GROUP BY paper_id
),
starred AS (
    SELECT e.paper_id, e.digest_date, e.observed_at, e.github_stars,
        date_diff('day', o.first_seen, e.digest_date) AS day
    FROM digest_entries AS e
    JOIN obs AS o USING (paper_id)
    WHERE e.github_stars IS NOT NULL
),
stars AS (
    SELECT
        paper_id,
        arg_min(github_stars, (digest_date, observed_at)) FILTER (WHERE day = 0) AS stars_first,
        arg_max(github_stars, (digest_date, observed_at)) FILTER (WHERE day <= 7) AS stars_day7,
        arg_max(github_stars, (digest_date, observed_at)) FILTER (WHERE day <= 30) AS stars_day30,
        arg_min(github_stars, (digest_date, observed_at)) AS stars_earliest,
        arg_max(github_stars, (digest_date, observed_at)) AS stars_latest,
        min(digest_date) AS first_starred,
        max(digest_date) AS last_starred
    FROM starred
    GROUP BY paper_id
)
SELECT
    p.paper_id,
    p.arxiv_id,
    p.title,
    p.github_repo,
    o.first_seen,
    s.first_starred,
    s.stars_first,
    s.stars_day7,
    s.stars_day30,
    s.stars_latest,
    round(
        (s.stars_latest - s.stars_earliest)
        / nullif(date_diff('day', s.first_starred, s.last_starred), 0),
        3
    ) AS stars_per_day,
    coalesce(o.best_position <= 10, false) AS trended,
    coalesce(o.best_position <= 10, false) AND p.github_repo IS NULL AND s.paper_id IS NULL
        AS trended_without_code
FROM papers AS p
JOIN obs AS o USING (paper_id)
LEFT JOIN stars AS s USING (paper_id);
