"""Uploaded files: validated by content, stored under UPLOAD_DIR with unguessable names."""
