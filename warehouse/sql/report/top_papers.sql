-- The 10 most upvoted papers of the $2 days up to $1.
SELECT paper_id, any_value(title) AS title, max(upvotes) AS upvotes,
    count(DISTINCT digest_date) AS days_listed
FROM trending_daily
WHERE digest_date > CAST(? AS DATE) - CAST(? AS INTEGER)
GROUP BY paper_id
ORDER BY upvotes DESC NULLS LAST, paper_id
LIMIT 10;
