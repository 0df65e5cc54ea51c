"""JSON API v1: the same services as the HTML views, bearer tokens, JSON errors."""
from exhibit.api.views import bp  # noqa: F401
