"""Routes: a week's entrances for its organisers (zones, their live headcount, the scanning
devices) and an exhibitor's lead scanners."""
from __future__ import annotations

from flask import Blueprint

bp = Blueprint("scanning", __name__)
