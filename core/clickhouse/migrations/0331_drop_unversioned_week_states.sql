-- channel_weeks and queue_contact_weeks (migration 0300) were copied into channel_week_states and
-- queue_week_states by migration 0330, whose views keep those from now on; nothing reads them any more.
DROP TABLE IF EXISTS {db}.channel_weeks_mv;
DROP TABLE IF EXISTS {db}.channel_weeks;
DROP TABLE IF EXISTS {db}.queue_contact_weeks_mv;
DROP TABLE IF EXISTS {db}.queue_contact_weeks;
