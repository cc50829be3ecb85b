"""Callback notes: the rules a note must meet, drafts on the local disk, the outbox sender
and the mail."""
