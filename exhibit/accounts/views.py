"""Sign-up, sign-in, sign-out, the language switch, email confirmation, the account page
(profile, email, password, sessions, API tokens), a business's team and its invitations, and an
organisation's entrance staff."""
from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, session, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user, login_required

from exhibit.accounts import browser, invitations, links, recovery, services, verification
from exhibit.accounts.forms import (
    AcceptInvitationForm,
    EmailChangeForm,
    EntranceStaffForm,
    ForgotPasswordForm,
    InvitationForm,
    LanguageForm,
    LoginForm,
    PasswordForm,
    ProfileForm,
    ResetPasswordForm,
    SignupForm,
)
from exhibit.core.errors import Conflict, Unauthorized, ValidationFailed
from exhibit.core.forms import ActionForm, split_province
from exhibit.core.languages import LANGUAGES
from exhibit.core.limits import client_address, signup_limited
from exhibit.core.permissions import exhibitor_required, organiser_required
from exhibit.core.redirects import safe_next
from exhibit.vn.phones import format_phone

bp = Blueprint("accounts", __name__)


def home_for(user) -> str:
    if user.is_organiser:
        return url_for("weeks.organiser_home")
    if user.is_entrance:
        return url_for("badges.gate_home")
    if user.is_coordinator:
        return url_for("coordinator.home")
    if user.role == "buyer":
        return url_for("b2b.home")
    return url_for("booking.dashboard")


@bp.route("/signup", methods=["GET", "POST"])
@signup_limited
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
            browser.sign_in(user)
            flash(_("Welcome! Your business is registered. Choose a week to apply to. We sent a "
                    "link to %(email)s to confirm your address.", email=user.email), "success")
            return redirect(safe_next(url_for("booking.dashboard")))
    return render_template("accounts/signup.html", form=form), 200 if not form.errors else 422


@bp.route("/login", methods=["GET", "POST"])
def login():
    form = LoginForm()
    if form.validate_on_submit():
        try:
            user = services.sign_in(form.email.data, form.password.data,
                                    client_address=client_address())
        except Unauthorized as exc:
            form.password.errors = [exc.message]
        else:
            browser.sign_in(user)
            if session.get("locale") and not user.locale:
                services.set_locale(user, session["locale"])
            return redirect(safe_next(home_for(user)))
    return render_template("accounts/login.html", form=form)


@bp.route("/password/forgot", methods=["GET", "POST"])
def forgot_password():
    form = ForgotPasswordForm()
    if form.validate_on_submit():
        try:
            recovery.request_reset(form.email.data, client_address=client_address())
        except ValidationFailed as exc:
            form.email.errors = list(exc.fields.values())
        else:
            flash(_("If an account uses %(email)s, a link to set a new password is on its way. "
                    "It works once, within an hour.", email=form.email.data), "info")
            return redirect(url_for("accounts.login"))
    return render_template("accounts/forgot_password.html", form=form), 200 if not form.errors else 422


@bp.route("/password/reset/<token>", methods=["GET", "POST"])
def reset_password(token):
    links.live_link(token, "reset")  # a spent or unknown link says so at once
    form = ResetPasswordForm()
    if form.validate_on_submit():
        try:
            recovery.reset_password(token, form.password.data)
        except ValidationFailed as exc:
            form.password.errors = list(exc.fields.values())
        else:
            browser.sign_out()
            flash(_("Your new password is set. Sign in with it."), "success")
            return redirect(url_for("accounts.login"))
    return render_template("accounts/reset_password.html", form=form), 200 if not form.errors else 422


@bp.route("/logout", methods=["POST"])
def logout():
    browser.sign_out()
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
    return redirect(safe_next(url_for("public.home")))


# -- the account page ----------------------------------------------------------------------------

def _account_page(*, password_form=None, profile_form=None, email_form=None, status: int = 200):
    """The account page; the forms not being submitted are shown afresh (never filled from
    another form's POST)."""
    key = browser.current_key()
    user = current_user
    profile_form = profile_form or ProfileForm(formdata=None, data={
        "full_name": user.full_name, "phone": format_phone(user.phone),
        "locale": user.locale or get_locale().language,
        **{name: getattr(user, name) for name in services.CHANNEL_FIELDS}})
    return render_template(
        "accounts/account.html", action=ActionForm(), profile_form=profile_form,
        email_form=email_form or EmailChangeForm(formdata=None),
        password_form=password_form or PasswordForm(formdata=None),
        sessions=services.live_sessions(user), tokens=services.live_tokens(user),
        is_current=lambda row: services.is_session_key(row, key)), status


@bp.route("/account")
@login_required
def account():
    return _account_page()


@bp.route("/account/profile", methods=["POST"])
@login_required
def edit_profile():
    form = ProfileForm()
    if form.validate_on_submit():
        try:
            services.update_profile(current_user, form.data)
        except ValidationFailed as exc:
            form.apply_errors(exc)
        else:
            session["locale"] = form.locale.data
            flash(_("Your profile is saved."), "success")
            return redirect(url_for("accounts.account"))
    return _account_page(profile_form=form, status=422)


@bp.route("/account/email", methods=["POST"])
@login_required
def change_email():
    form = EmailChangeForm()
    if form.validate_on_submit():
        try:
            services.change_email(current_user, new_email=form.new_email.data,
                                  password=form.email_password.data,
                                  client_address=client_address())
        except (ValidationFailed, Conflict) as exc:
            form.apply_errors(exc)
            return _account_page(email_form=form, status=exc.status)
        flash(_("You now sign in with %(email)s. Open the link we sent there to confirm it.",
                email=current_user.email), "success")
        return redirect(url_for("accounts.account"))
    return _account_page(email_form=form, status=422)


@bp.route("/account/password", methods=["POST"])
@login_required
def change_password():
    form = PasswordForm()
    if form.validate_on_submit():
        try:
            services.change_password(current_user, current=form.current_password.data,
                                     new=form.new_password.data, client_address=client_address())
        except ValidationFailed as exc:
            form.apply_errors(exc)
        else:
            browser.sign_in(current_user._get_current_object())  # a new key for this browser
            flash(_("Password changed. You stay signed in here; every other session and every "
                    "API token has ended."), "success")
            return redirect(url_for("accounts.account"))
    return _account_page(password_form=form, status=422)


@bp.route("/account/sessions/<int:session_id>/revoke", methods=["POST"])
@login_required
def revoke_session(session_id):
    if ActionForm().validate_on_submit():
        services.end_own_session(current_user, session_id)
        flash(_("That session is signed out."), "info")
    return redirect(url_for("accounts.account") + "#sessions")


@bp.route("/account/sessions/revoke-others", methods=["POST"])
@login_required
def revoke_other_sessions():
    if ActionForm().validate_on_submit():
        count = services.end_other_sessions(current_user, browser.current_key())
        flash(_("%(n)d other sessions signed out.", n=count), "info")
    return redirect(url_for("accounts.account") + "#sessions")


@bp.route("/account/tokens/<int:token_id>/revoke", methods=["POST"])
@login_required
def revoke_token(token_id):
    if ActionForm().validate_on_submit():
        services.revoke_token(current_user, token_id)
        flash(_("The API token is revoked."), "info")
    return redirect(url_for("accounts.account") + "#tokens")


# -- a business's team -------------------------------------------------------------------------

@bp.route("/my/team", methods=["GET", "POST"])
@login_required
@exhibitor_required
def team():
    form = InvitationForm()
    status = 200
    if form.validate_on_submit():
        try:
            invitations.invite(actor=current_user, email=form.email.data,
                               full_name=form.full_name.data)
        except (ValidationFailed, Conflict) as exc:
            form.apply_errors(exc)
            status = exc.status
        else:
            flash(_("An invitation is on its way to %(email)s. Your colleague chooses a password "
                    "through its link and can then sign in for the business.",
                    email=form.email.data), "success")
            return redirect(url_for("accounts.team"))
    elif form.is_submitted():
        status = 422
    business_id = current_user.business_id
    return render_template("accounts/team.html", form=form, action=ActionForm(),
                           business=current_user.business,
                           members=services.business_people(business_id),
                           pending=invitations.pending(business_id)), status


@bp.route("/my/team/invitations/<int:user_id>/cancel", methods=["POST"])
@login_required
@exhibitor_required
def cancel_invitation(user_id):
    if ActionForm().validate_on_submit():
        invitations.cancel(actor=current_user, user_id=user_id)
        flash(_("The invitation is cancelled: its link no longer opens anything."), "info")
    return redirect(url_for("accounts.team"))


def _team_name(user) -> str:
    """Whom an invitee joins: the business of a team member, the organising body of entrance
    staff."""
    return user.business.name if user.business is not None else user.organizer.name


@bp.route("/account/invitation/<token>", methods=["GET", "POST"])
def accept_invitation(token):
    invited = invitations.invitation_for(token).user  # a spent or unknown link says so at once
    form = AcceptInvitationForm(full_name=invited.full_name)
    if form.validate_on_submit():
        try:
            user = invitations.accept(token, password=form.password.data,
                                      full_name=form.full_name.data)
        except ValidationFailed as exc:
            form.apply_errors(exc)
        else:
            browser.sign_in(user)
            if user.is_entrance:
                flash(_("Welcome! You are signed in as entrance staff of %(organizer)s.",
                        organizer=_team_name(user)), "success")
            elif user.is_coordinator:
                flash(_("Welcome! You are signed in as a delegation coordinator for %(organizer)s.",
                        organizer=_team_name(user)), "success")
            else:
                flash(_("Welcome! You are signed in for %(business)s.", business=_team_name(user)),
                      "success")
            return redirect(home_for(user))
    return render_template("accounts/accept_invitation.html", form=form, invited=invited,
                           team_name=_team_name(invited)), 200 if not form.errors else 422


# -- confirming an email address ---------------------------------------------------------------

@bp.route("/account/verify/<token>", methods=["GET", "POST"])
def verify_email(token):
    email = links.live_link(token, "verify").user.email  # a spent or unknown link says so
    form = ActionForm()
    if form.validate_on_submit():
        verification.verify(token)
        flash(_("Thank you: %(email)s is confirmed.", email=email), "success")
        # a guest (the link opened on another device) lands on the home page, not on a
        # sign-in form it has not asked for
        return redirect(url_for("accounts.account") if current_user.is_authenticated
                        else url_for("public.home"))
    return render_template("accounts/verify_email.html", form=form, email=email)


@bp.route("/account/verification/resend", methods=["POST"])
@login_required
def resend_verification():
    if ActionForm().validate_on_submit():
        try:
            verification.send_again(current_user)
        except Conflict as exc:
            flash(exc.message, "info")
        else:
            flash(_("A new link is on its way to %(email)s; it works for 7 days. Earlier links "
                    "no longer work.", email=current_user.email), "success")
    return redirect(safe_next(url_for("accounts.account")))


# -- an organisation's accounts ----------------------------------------------------------------

@bp.route("/organiser/staff", methods=["GET", "POST"])
@organiser_required
def staff():
    form = EntranceStaffForm()
    status = 200
    if form.validate_on_submit():
        try:
            invitations.invite_entrance_staff(actor=current_user, email=form.email.data,
                                              full_name=form.full_name.data)
        except (ValidationFailed, Conflict) as exc:
            form.apply_errors(exc)
            status = exc.status
        else:
            flash(_("An invitation is on its way to %(email)s. The person chooses a password "
                    "through its link and can then check badges in at your weeks.",
                    email=form.email.data), "success")
            return redirect(url_for("accounts.staff"))
    elif form.is_submitted():
        status = 422
    return render_template("accounts/staff.html", form=form, action=ActionForm(),
                           users=services.organisation_users(current_user),
                           pending=invitations.pending_staff(current_user.organizer_id)), status


@bp.route("/organiser/staff/invitations/<int:user_id>/cancel", methods=["POST"])
@organiser_required
def cancel_staff_invitation(user_id):
    if ActionForm().validate_on_submit():
        invitations.cancel_entrance_staff(actor=current_user, user_id=user_id)
        flash(_("The invitation is cancelled: its link no longer opens anything."), "info")
    return redirect(url_for("accounts.staff"))


@bp.route("/organiser/staff/<int:user_id>/<any(disable, enable):action>", methods=["POST"])
@organiser_required
def staff_action(user_id, action):
    if ActionForm().validate_on_submit():
        enable = action == "enable"
        try:
            services.set_user_active(actor=current_user, user_id=user_id, active=enable)
        except Conflict as exc:
            flash(exc.message, "error")
        else:
            flash(_("The account can sign in again.") if enable else
                  _("The account is disabled: its sessions and API tokens have ended."), "success")
    return redirect(url_for("accounts.staff"))
