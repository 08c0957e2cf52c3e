-- The active watches: each name's newest row, when it adds the watch.
SELECT * EXCLUDE (rn)
FROM (
    SELECT *, row_number() OVER (PARTITION BY name ORDER BY changed_at DESC, run_id DESC) AS rn
    FROM watches
)
WHERE rn = 1 AND action = 'add'
ORDER BY name;
