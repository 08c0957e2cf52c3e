-- The weekly share of the 8 topics with the most papers.
SELECT week, topic, share, papers
FROM topic_trends
WHERE topic IN (SELECT topic FROM topic_trends GROUP BY 1 ORDER BY sum(papers) DESC LIMIT 8)
ORDER BY week, topic;
