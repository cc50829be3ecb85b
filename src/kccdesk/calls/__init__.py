"""The call: its session and log, transfers and their guard, what the desk showed, the
softphone link and the screen pop."""
