"""Users, roles, sign-in, API tokens and the organiser CLI."""
