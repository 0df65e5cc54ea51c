"""Businesses, cooperatives and production establishments that exhibit."""
