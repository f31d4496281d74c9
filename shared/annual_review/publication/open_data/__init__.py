"""The open data: each year's files (JSON, CSV, GeoJSON, spreadsheet,
England's figures) and what the files say about themselves.
"""
