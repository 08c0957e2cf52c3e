-- Increment of code_momentum: the row of every paper this run touched, from all its entries.
CREATE OR REPLACE TEMP TABLE scope_keys AS SELECT DISTINCT paper_id FROM touched;
CREATE OR REPLACE VIEW digest_entries AS
SELECT * FROM touched_entries;
CREATE OR REPLACE VIEW papers AS
SELECT * FROM {rows:papers:paper_id:touched};
