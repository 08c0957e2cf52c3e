-- Whether a watch of this name ($1) was ever added.
SELECT 1 FROM watches WHERE name = $1 LIMIT 1;
