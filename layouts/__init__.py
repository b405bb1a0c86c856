"""Pure builders: plain data in, Dash component trees out. Every component id lives in ids.py."""
