-- The last 30 runs, oldest first.
SELECT run_id AS run, started_at, status, coalesce(duration_s, 0) AS duration_s
FROM (SELECT * FROM run_health ORDER BY started_at DESC LIMIT 30)
ORDER BY started_at;
