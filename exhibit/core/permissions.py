"""Who may open a page: decorators that declare a view's required role."""
from __future__ import annotations

from functools import wraps

from flask import redirect, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from exhibit.core.errors import Forbidden


def role_required(*roles: str):
    """The view needs a signed-in user with one of ``roles``; guests are sent to sign in."""
    def decorator(view):
        @wraps(view)
        def wrapper(*args, **kwargs):
            if not current_user.is_authenticated:
                return redirect(url_for("accounts.login", next=request.full_path))
            if current_user.role not in roles:
                raise Forbidden(_("Your account cannot open this page."))
            return view(*args, **kwargs)
        wrapper.required_roles = roles
        return wrapper
    return decorator


organiser_required = role_required("organiser")
exhibitor_required = role_required("exhibitor")
