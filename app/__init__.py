"""Parallax: see how news outlets frame the same event."""
