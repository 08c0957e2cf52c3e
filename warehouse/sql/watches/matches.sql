-- The papers a watch matches now, with why: every set condition holds ($query_ids: the papers
-- its BM25 query found, NULL when it has none).
WITH rising AS (
    SELECT w.paper_id, string_agg(DISTINCT r.term, ', ' ORDER BY r.term) AS terms
    FROM papers_by_week AS w
    JOIN paper_terms AS t USING (paper_id)
    JOIN rising_terms AS r ON r.week = w.week AND r.term = t.term
    GROUP BY w.paper_id
)
SELECT
    p.paper_id,
    concat_ws('; ',
        CASE WHEN $query IS NOT NULL THEN 'query "' || $query || '"' END,
        CASE WHEN $topic IS NOT NULL THEN 'topic ' || $topic END,
        CASE WHEN $author IS NOT NULL THEN 'author ' || $author END,
        CASE WHEN $term IS NOT NULL THEN 'term "' || $term || '"' END,
        CASE WHEN $category IS NOT NULL THEN 'category ' || $category END,
        CASE WHEN $min_upvotes IS NOT NULL THEN 'upvotes ' || h.max_upvotes || ' >= ' || $min_upvotes END,
        CASE WHEN $rising THEN 'rising: ' || ri.terms END
    ) AS why
FROM papers AS p
LEFT JOIN paper_history AS h USING (paper_id)
LEFT JOIN rising AS ri USING (paper_id)
WHERE ($query_ids IS NULL OR list_contains($query_ids, p.paper_id))
  AND ($topic IS NULL OR p.paper_id IN (SELECT paper_id FROM paper_topics WHERE topic = $topic))
  AND ($author IS NULL OR p.paper_id IN (
      SELECT paper_id FROM paper_authors WHERE contains(lower(name), lower($author))))
  AND ($term IS NULL OR p.paper_id IN (SELECT paper_id FROM paper_terms WHERE term = $term))
  AND ($category IS NULL OR list_contains(p.categories, $category))
  AND ($min_upvotes IS NULL OR h.max_upvotes >= $min_upvotes)
  AND (NOT $rising OR ri.paper_id IS NOT NULL)
ORDER BY p.paper_id;
