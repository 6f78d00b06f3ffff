"""Sign-in and password forms."""

from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, PasswordField
from wtforms.validators import DataRequired, Email, EqualTo, Length

from .service import MIN_PASSWORD_LENGTH


def strip(value: str | None) -> str | None:
    """Drop the spaces a pasted address brings along."""
    return value.strip() if isinstance(value, str) else value


class SignInForm(FlaskForm):
    email = EmailField(
        "Email", validators=[DataRequired(), Email(), Length(max=254)], filters=[strip]
    )
    password = PasswordField("Password", validators=[DataRequired(), Length(max=200)])
    remember = BooleanField("Keep me signed in on this device")


class PasswordForm(FlaskForm):
    current = PasswordField("Current password", validators=[DataRequired()])
    new = PasswordField(
        "New password",
        validators=[
            DataRequired(),
            Length(min=MIN_PASSWORD_LENGTH, max=200,
                   message=f"Use at least {MIN_PASSWORD_LENGTH} characters (and at most 200)."),
        ],
        description=f"At least {MIN_PASSWORD_LENGTH} characters.",
    )
    confirm = PasswordField(
        "Repeat the new password",
        validators=[DataRequired(), EqualTo("new", message="The two new passwords differ.")],
    )
