"""Routes: the scanner app itself (/scan/), an installable page that keeps working offline."""
from __future__ import annotations

from flask import Blueprint

bp = Blueprint("scanner", __name__)
