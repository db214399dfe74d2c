-- number_cdr_hours (migration 0300, partitioned by week) was copied into number_cdr_history (one
-- caller's look-ups) and number_cdr_weeks (a week's lists) by migration 0320, whose views keep both
-- from now on; nothing reads it any more.
DROP TABLE IF EXISTS {db}.number_cdr_hours_mv;
DROP TABLE IF EXISTS {db}.number_cdr_hours;
