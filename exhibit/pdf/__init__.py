"""Shared reportlab toolkit: fonts registered once, fast QR drawing, fitted text, N-up sheets."""
