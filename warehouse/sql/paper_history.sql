-- One row per paper: how long and how high it trended, from every observation we kept.
CREATE OR REPLACE VIEW paper_history AS
WITH obs AS (
    SELECT
        paper_id,
        count(*) AS n_observations,
        count(DISTINCT digest_id) AS n_digests,
        count(DISTINCT digest_date) AS days_listed,
        min(digest_date) AS first_seen,
        max(digest_date) AS last_seen,
        min(position) AS best_position,
        max(upvotes) AS max_upvotes,
        arg_max(upvotes, observed_at) AS latest_upvotes
    FROM digest_entries
    GROUP BY paper_id
)
SELECT
    p.paper_id,
    p.arxiv_id,
    p.title,
    o.first_seen,
    o.last_seen,
    o.days_listed,
    o.n_digests,
    o.n_observations,
    o.best_position,
    o.max_upvotes,
    o.latest_upvotes,
    date_diff('day', o.first_seen, o.last_seen) + 1 AS span_days
FROM papers AS p
JOIN obs AS o USING (paper_id);
