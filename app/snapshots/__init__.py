"""Immutable copies of a comparison as it was on screen, behind a short id (/c/Ab3xK9)."""
