-- The header: papers, digests, appearances, newest digest day.
SELECT (SELECT count(*) FROM papers), (SELECT count(*) FROM digests),
    (SELECT count(*) FROM digest_entries), (SELECT max(digest_date) FROM digests);
