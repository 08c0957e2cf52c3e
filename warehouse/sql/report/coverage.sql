-- Each source's days of the 60 days up to $1: landed, a gap, or not expected.
SELECT
    source,
    day,
    CASE WHEN gap THEN 'gap' WHEN landed > 0 THEN 'landed' ELSE 'not expected' END AS state,
    landed
FROM coverage
WHERE day > CAST(? AS DATE) - INTERVAL 60 DAY
ORDER BY source, day;
