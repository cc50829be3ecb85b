"""Rosters and what they mean: the roster kinds, who is on duty when, the roster rules and
edits, coverage and gaps, public holidays."""
