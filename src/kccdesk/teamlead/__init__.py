"""The team lead's day: feedback, the reconstruction of a call, patterns, the review,
indicators and client reports."""
