"""Pure Vietnamese domain functions: provinces, tax codes, phones, money, dates, search keys.

Nothing in this package imports Flask or the database, so it is usable (and tested) on its own.
"""
