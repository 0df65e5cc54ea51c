"""Halls and booths of a week, their CSV/XLSX import and the SVG floor plan."""
