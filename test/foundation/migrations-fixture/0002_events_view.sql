CREATE VIEW IF NOT EXISTS {db}.events_by_day AS
SELECT toDate(at) AS day, count() AS events, sum(n) AS n
FROM {db}.events FINAL
GROUP BY day;
