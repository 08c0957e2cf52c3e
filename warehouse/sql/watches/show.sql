-- A watch's hits ($1), newest first, matched on or after $2 (NULL: all).
SELECT h.paper_id, p.title, CAST(h.matched_at AS DATE) AS matched_on, h.why
FROM watch_hits AS h
LEFT JOIN papers AS p USING (paper_id)
WHERE h.watch = $1 AND ($2 IS NULL OR CAST(h.matched_at AS DATE) >= CAST($2 AS DATE))
ORDER BY h.matched_at DESC, h.paper_id;
