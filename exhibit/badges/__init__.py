"""Badges for exhibitor staff, buyers, organiser staff and visitors; sheets; entrance check-in."""
