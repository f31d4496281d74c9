"""The public site: its static pages, the map page and its hex layout."""
