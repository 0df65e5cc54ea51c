"""Shared building blocks: database transactions, errors, audit log, forms, permissions."""
