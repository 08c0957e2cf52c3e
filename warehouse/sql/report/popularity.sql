-- Upvotes per day of the 5 most upvoted papers of the 30 days up to $1.
WITH top AS (
    SELECT paper_id, any_value(title) AS title
    FROM trending_daily
    WHERE digest_date > CAST(? AS DATE) - INTERVAL 30 DAY
    GROUP BY 1
    ORDER BY max(upvotes) DESC NULLS LAST, paper_id
    LIMIT 5
)
SELECT t.digest_date, left(top.title, 48) AS paper, t.upvotes
FROM trending_daily AS t
JOIN top USING (paper_id)
WHERE t.upvotes IS NOT NULL
ORDER BY 1, 2;
