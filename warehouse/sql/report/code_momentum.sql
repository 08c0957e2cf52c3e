-- The 10 papers whose code gained stars fastest.
SELECT paper_id, title, github_repo, stars_first, stars_latest, stars_per_day
FROM code_momentum
WHERE stars_per_day IS NOT NULL
ORDER BY stars_per_day DESC, paper_id
LIMIT 10;
