-- How many papers trended, and how many of them never got code.
SELECT count(*) FILTER (WHERE trended), count(*) FILTER (WHERE trended_without_code)
FROM code_momentum;
