"""The shipped standards library: courses, lessons and question banks as TOML data (see data.py)."""
