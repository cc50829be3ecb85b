"""Terminal sizes the screens lay themselves out for."""

#: below this many rows the screens are laid out for a short terminal (80×24): fields
#: without borders, no blank lines between them, panels that give way to the result list
SHORT_TERMINAL = 32
