-- The active watches, their conditions and how many papers they matched.
WITH current AS (
    SELECT * EXCLUDE (rn)
    FROM (
        SELECT *, row_number() OVER (PARTITION BY name ORDER BY changed_at DESC, run_id DESC) AS rn
        FROM watches
    )
    WHERE rn = 1 AND action = 'add'
)
SELECT
    c.name,
    concat_ws('; ',
        CASE WHEN c.query IS NOT NULL THEN 'query "' || c.query || '"' END,
        CASE WHEN c.topic IS NOT NULL THEN 'topic ' || c.topic END,
        CASE WHEN c.author IS NOT NULL THEN 'author ' || c.author END,
        CASE WHEN c.term IS NOT NULL THEN 'term "' || c.term || '"' END,
        CASE WHEN c.category IS NOT NULL THEN 'category ' || c.category END,
        CASE WHEN c.min_upvotes IS NOT NULL THEN 'upvotes >= ' || c.min_upvotes END,
        CASE WHEN c.rising THEN 'rising' END
    ) AS conditions,
    (SELECT count(*) FROM watch_hits AS h WHERE h.watch = c.name) AS hits,
    CAST(c.changed_at AS DATE) AS since
FROM current AS c
ORDER BY c.name;
