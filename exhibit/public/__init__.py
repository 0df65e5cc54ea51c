"""Public pages: the list of weeks and each week's page."""
