"""Personal data as the 2026 law asks: consents, the privacy page, requests, retention and purge."""
