"""Acknowledgement and escalation of callback notes: the signed link of a note's mail, the
reply that says "gezien", who an unacknowledged urgent note goes to next, and its trail."""
