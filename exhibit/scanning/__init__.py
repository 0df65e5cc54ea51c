"""Scanning that never stops: a week's zones (with their entry rules and live headcount), the
scanning devices set up by QR (gate scanners and exhibitors' lead scanners), the snapshot a device
decides from while offline, and the batches of scans it uploads when the network returns."""
