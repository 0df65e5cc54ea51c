"""Booth rental contracts and memoranda of understanding, printed as Vietnamese documents,
numbered per organiser and year, and the payments ledger the contracts set due."""
