-- One row per run, newest first: did it publish, how long it took, what it refused.
CREATE OR REPLACE VIEW run_health AS
SELECT
    r.run_id,
    r.started_at,
    r.status,
    round(epoch(r.finished_at) - epoch(r.started_at), 2) AS duration_s,
    r.files_seen,
    r.files_new,
    r.files_quarantined,
    r.digests,
    r.entries,
    r.new_papers,
    r.checks_passed,
    r.checks_failed,
    coalesce(q.n_quarantine_rows, 0) AS quarantine_rows,
    r.message,
    r.code_version
FROM runs AS r
LEFT JOIN (
    SELECT run_id, count(*) AS n_quarantine_rows FROM quarantine GROUP BY run_id
) AS q USING (run_id)
ORDER BY r.started_at DESC;
