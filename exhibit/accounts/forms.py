from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, EmailField, PasswordField, SelectField, StringField
from wtforms.validators import DataRequired, EqualTo

from exhibit.businesses.models import LegalForm
from exhibit.core.forms import BaseForm, current_province_choices


class SignupForm(BaseForm):
    field_aliases = {"business.email": "business_email", "business.province_code": "province"}

    email = EmailField(_l("Email"), validators=[DataRequired()])
    password = PasswordField(_l("Password"), validators=[DataRequired()],
                             description=_l("At least 10 characters, letters and digits."))
    password_again = PasswordField(_l("Password again"), validators=[
        DataRequired(), EqualTo("password", message=_l("The two passwords differ."))])
    full_name = StringField(_l("Your name"), validators=[DataRequired()])
    name = StringField(_l("Registered business name"), validators=[DataRequired()],
                       description=_l("As on the business registration, e.g. Hợp tác xã Thanh Long Hàm Thuận Nam"))
    legal_form = SelectField(_l("Legal form"), choices=[])
    tax_code = StringField(_l("Tax code"), validators=[DataRequired()],
                           description=_l("10 digits; branches add -NNN; household businesses may use the owner's 12-digit ID"))
    # today's 34 units; what else is sent is refused by the business rules, in their words
    province = SelectField(_l("Province / city"), choices=[], validate_choice=False)
    address = StringField(_l("Address"), validators=[DataRequired()])
    representative = StringField(_l("Representative"), validators=[DataRequired()])
    representative_position = StringField(_l("Position"), validators=[DataRequired()],
                                          description=_l("e.g. Giám đốc, Chủ nhiệm HTX, Chủ hộ"))
    phone = StringField(_l("Phone"), validators=[DataRequired()])
    business_email = EmailField(_l("Business email"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.legal_form.choices = [(f.value, f.title) for f in LegalForm]
        self.province.choices = current_province_choices()  # nothing preselected


class LoginForm(BaseForm):
    email = EmailField(_l("Email"), validators=[DataRequired()])
    password = PasswordField(_l("Password"), validators=[DataRequired()])


class InvitationForm(BaseForm):
    full_name = StringField(_l("Name"), validators=[DataRequired()])
    email = EmailField(_l("Email"), validators=[DataRequired()],
                       description=_l("We email your colleague a link to choose their own "
                                      "password; it works for 7 days."))


class AcceptInvitationForm(BaseForm):
    full_name = StringField(_l("Your name"), validators=[DataRequired()])
    password = PasswordField(_l("Choose a password"), validators=[DataRequired()],
                             description=_l("At least 10 characters, letters and digits."))
    password_again = PasswordField(_l("Password again"), validators=[
        DataRequired(), EqualTo("password", message=_l("The two passwords differ."))])


class ProfileForm(BaseForm):
    full_name = StringField(_l("Your name"), validators=[DataRequired()])
    phone = StringField(_l("Your mobile"),
                        description=_l("For Zalo and SMS messages, e.g. 0912 345 678. Empty: "
                                       "the business's phone is used."))
    locale = SelectField(_l("Language"), choices=[("vi", "Tiếng Việt"), ("en", "English")],
                         validate_choice=False)
    messages_by_zalo = BooleanField(_l("Zalo"))
    messages_by_sms = BooleanField(_l("SMS"))
    messages_by_email = BooleanField(_l("Email"))


class EmailChangeForm(BaseForm):
    new_email = EmailField(_l("New email address"), validators=[DataRequired()])
    email_password = PasswordField(_l("Your current password"), validators=[DataRequired()])


class LanguageForm(BaseForm):
    locale = StringField()


class PasswordForm(BaseForm):
    current_password = PasswordField(_l("Current password"), validators=[DataRequired()])
    new_password = PasswordField(_l("New password"), validators=[DataRequired()],
                                 description=_l("At least 10 characters, letters and digits."))
    new_password_again = PasswordField(_l("New password again"), validators=[
        DataRequired(), EqualTo("new_password", message=_l("The two passwords differ."))])


class EntranceStaffForm(BaseForm):
    """An organiser invites entrance staff: no password — the person chooses their own."""
    full_name = StringField(_l("Name"), validators=[DataRequired()])
    email = EmailField(_l("Email"), validators=[DataRequired()],
                       description=_l("We email the person a link to choose their own "
                                      "password; it works for 7 days."))


class ForgotPasswordForm(BaseForm):
    email = EmailField(_l("Email"), validators=[DataRequired()])


class ResetPasswordForm(BaseForm):
    password = PasswordField(_l("New password"), validators=[DataRequired()],
                             description=_l("At least 10 characters, letters and digits."))
    password_again = PasswordField(_l("New password again"), validators=[
        DataRequired(), EqualTo("password", message=_l("The two passwords differ."))])
