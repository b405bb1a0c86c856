"""Pure domain core: no Dash, no SQL, no IO (see README.md beside this file)."""
