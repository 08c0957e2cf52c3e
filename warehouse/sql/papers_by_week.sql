-- Which papers were seen in which ISO week (Monday), the shared base of the weekly views.
-- A paper is placed in the week it was submitted to its listing (a monthly listing spreads
-- over its weeks), else the week of its digest.
CREATE OR REPLACE VIEW papers_by_week AS
SELECT DISTINCT
    CAST(date_trunc('week', coalesce(submitted_date, digest_date)) AS DATE) AS week,
    paper_id
FROM digest_entries;
