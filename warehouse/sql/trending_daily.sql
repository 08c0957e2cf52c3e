-- Papers on each day's daily listing, ranked by upvotes. A day fetched several times keeps its
-- latest observation of each paper, so re-fetches update popularity instead of duplicating it.
CREATE OR REPLACE VIEW trending_daily AS
WITH latest AS (
    SELECT e.*
    FROM digest_entries AS e
    WHERE e.listing = 'daily'
    QUALIFY row_number() OVER (
        PARTITION BY e.digest_date, e.paper_id ORDER BY e.observed_at DESC, e.position
    ) = 1
)
SELECT
    l.digest_date,
    rank() OVER (
        PARTITION BY l.digest_date ORDER BY l.upvotes DESC NULLS LAST, l.position
    ) AS rank_by_upvotes,
    l.position AS listed_position,
    l.paper_id,
    p.title,
    p.short_name,
    l.upvotes,
    l.num_comments,
    l.github_stars,
    p.first_seen = l.digest_date AS is_new,
    l.observed_at
FROM latest AS l
JOIN papers AS p USING (paper_id);
