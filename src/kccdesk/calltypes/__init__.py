"""Call types: what a note of a kind of call must hold (a client's message script), the
checks of each answer as it is typed, and what an answer sets off."""
