"""Catalogue pages (filled in below)."""
from flask import Blueprint

bp = Blueprint("catalogue", __name__)
