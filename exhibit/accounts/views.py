"""Sign-up, sign-in, sign-out, the language switch and a business's team."""
from __future__ import annotations

from urllib.parse import urlsplit

from flask import Blueprint, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user

from exhibit.accounts import services
from exhibit.accounts.forms import LanguageForm, LoginForm, MemberForm, SignupForm
from exhibit.core.forms import split_province
from exhibit.core.languages import LANGUAGES
from exhibit.core.errors import Conflict, Unauthorized, ValidationFailed
from exhibit.core.permissions import exhibitor_required
from exhibit.extensions import limiter

bp = Blueprint("accounts", __name__)


def _safe_next(default: str) -> str:
    target = request.args.get("next") or request.form.get("next") or ""
    parts = urlsplit(target)
    if target.startswith("/") and not target.startswith("//") and not parts.netloc:
        return target
    return default


def home_for(user) -> str:
    if user.is_organiser:
        return url_for("weeks.organiser_home")
    if user.is_entrance:
        return url_for("badges.gate_home")
    if user.role == "buyer":
        return url_for("b2b.home")
    return url_for("booking.dashboard")


@bp.route("/signup", methods=["GET", "POST"])
def signup():
    form = SignupForm()
    if form.validate_on_submit():
        business = {key: getattr(form, key).data for key in (
            "name", "legal_form", "tax_code", "address", "representative",
            "representative_position", "phone")}
        business["province_scheme"], business["province_code"] = split_province(form.province.data)
        business["email"] = form.business_email.data or form.email.data
        try:
            user = services.register_exhibitor(email=form.email.data, password=form.password.data,
                                               full_name=form.full_name.data, business=business)
        except (ValidationFailed, Conflict) as exc:
            form.apply_errors(exc, prefix="business.")
        else:
            login_user(user)
            flash(_("Welcome! Your business is registered. Choose a week to apply to."), "success")
            return redirect(_safe_next(url_for("booking.dashboard")))
    return render_template("accounts/signup.html", form=form), 200 if not form.errors else 422


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(services.login_rate_limit, methods=["POST"])
def login():
    form = LoginForm()
    if form.validate_on_submit():
        try:
            user = services.authenticate(form.email.data, form.password.data)
        except Unauthorized as exc:
            form.password.errors = [exc.message]
        else:
            login_user(user)
            if session.get("locale") and not user.locale:
                services.set_locale(user, session["locale"])
            return redirect(_safe_next(home_for(user)))
    return render_template("accounts/login.html", form=form)


@bp.route("/logout", methods=["POST"])
def logout():
    logout_user()
    flash(_("You have signed out."), "info")
    return redirect(url_for("public.home"))


@bp.route("/language", methods=["POST"])
def set_language():
    form = LanguageForm()
    locale = form.locale.data if form.validate_on_submit() else None
    if locale in LANGUAGES:
        session["locale"] = locale
        if current_user.is_authenticated:
            services.set_locale(current_user, locale)
    return redirect(_safe_next(url_for("public.home")))


@bp.route("/my/team", methods=["GET", "POST"])
@login_required
@exhibitor_required
def team():
    form = MemberForm()
    if form.validate_on_submit():
        try:
            services.add_business_member(actor=current_user, email=form.email.data,
                                         password=form.password.data, full_name=form.full_name.data)
        except (ValidationFailed, Conflict) as exc:
            form.apply_errors(exc)
        else:
            flash(_("Your colleague can now sign in for the business."), "success")
            return redirect(url_for("accounts.team"))
    return render_template("accounts/team.html", form=form, business=current_user.business)
