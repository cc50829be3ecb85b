"""A person's own calendar as their roster: feeds read (events), what their events mean
(absence, busy or nothing), and what a sync changes (kept apart from a shift lead's entries)."""
