SELECT digest_date, rank_by_upvotes, title, upvotes FROM trending_daily ORDER BY digest_date DESC, rank_by_upvotes LIMIT 10
