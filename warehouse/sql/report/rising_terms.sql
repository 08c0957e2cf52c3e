-- The newest week's rising terms, highest lift first.
SELECT week, term, lift, papers, share, baseline_share
FROM rising_terms
WHERE week = (SELECT max(week) FROM rising_terms)
ORDER BY lift DESC, papers DESC, term
LIMIT 15;
