"""Sources: outlets' feeds and sitemaps that Parallax polls by itself (feeds -> items -> articles)."""
