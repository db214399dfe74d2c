-- The caller tables replaced by migration 0340's (the same states, plus `changes`), and their views.
DROP TABLE IF EXISTS {db}.number_cdr_weeks_mv;
DROP TABLE IF EXISTS {db}.number_cdr_weeks;
DROP TABLE IF EXISTS {db}.number_cdr_week_history_mv;
DROP TABLE IF EXISTS {db}.number_cdr_week_history;
DROP TABLE IF EXISTS {db}.number_cdr_history_mv;
DROP TABLE IF EXISTS {db}.number_cdr_history;
