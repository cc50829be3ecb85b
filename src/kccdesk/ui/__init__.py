"""The Textual interface: it only shows and asks; the rules live in the domain modules."""
