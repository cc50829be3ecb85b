"""The shift lead's board: unfinished work across every client, most urgent and oldest first
(gaps ahead, failed notes, reminders come back, stale calendars, drafts left on desks), and
the desks online with their agent and call."""
