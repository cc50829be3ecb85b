"""Finding the right person or topic from a few misspelt letters."""
