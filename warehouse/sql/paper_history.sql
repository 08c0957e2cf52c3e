-- One row per paper: how long and how high it trended, from every observation we kept.
-- longest_streak: most consecutive days listed; upvote_velocity: upvotes gained per day between
-- its first and last listed day (NULL when it was listed on one day only).
CREATE OR REPLACE VIEW paper_history AS
WITH days AS (
    SELECT DISTINCT paper_id, digest_date FROM digest_entries
),
islands AS (
    SELECT
        paper_id,
        digest_date - CAST(row_number() OVER (PARTITION BY paper_id ORDER BY digest_date) AS INTEGER) AS grp
    FROM days
),
streaks AS (
    SELECT paper_id, max(n) AS longest_streak
    FROM (SELECT paper_id, grp, count(*) AS n FROM islands GROUP BY paper_id, grp)
    GROUP BY paper_id
),
obs AS (
    SELECT
        paper_id,
        count(*) AS n_observations,
        count(DISTINCT digest_id) AS n_digests,
        count(DISTINCT digest_date) AS days_listed,
        min(digest_date) AS first_seen,
        max(digest_date) AS last_seen,
        min(position) AS best_position,
        max(upvotes) AS max_upvotes,
        arg_max(upvotes, (digest_date, observed_at)) FILTER (WHERE upvotes IS NOT NULL) AS latest_upvotes,
        arg_min(upvotes, (digest_date, observed_at)) FILTER (WHERE upvotes IS NOT NULL) AS first_upvotes,
        max(digest_date) FILTER (WHERE upvotes IS NOT NULL) AS last_voted_day,
        min(digest_date) FILTER (WHERE upvotes IS NOT NULL) AS first_voted_day
    FROM digest_entries
    GROUP BY paper_id
)
SELECT
    p.paper_id,
    p.arxiv_id,
    p.title,
    p.short_name,
    o.first_seen,
    o.last_seen,
    o.days_listed,
    s.longest_streak,
    o.n_digests,
    o.n_observations,
    o.best_position,
    o.max_upvotes,
    o.latest_upvotes,
    round(
        (o.latest_upvotes - o.first_upvotes)
        / nullif(date_diff('day', o.first_voted_day, o.last_voted_day), 0),
        3
    ) AS upvote_velocity,
    date_diff('day', o.first_seen, o.last_seen) + 1 AS span_days
FROM papers AS p
JOIN obs AS o USING (paper_id)
JOIN streaks AS s USING (paper_id);
