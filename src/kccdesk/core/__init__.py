"""What every concept uses: the clock, errors, who acts, where files live, the settings
and the one text rule."""
