"""Forms for signing in and for the administrators' screens."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth import password_validation

from .models import Agency, Role, User


class LoginForm(forms.Form):
    username = forms.CharField(max_length=150, widget=forms.TextInput(
        attrs={"autofocus": True, "autocomplete": "username", "autocapitalize": "none"}))
    password = forms.CharField(strip=False, widget=forms.PasswordInput(
        attrs={"autocomplete": "current-password"}))


class CodeForm(forms.Form):
    code = forms.RegexField(
        regex=r"^\s*\d{6}\s*$",
        label="Code from your authenticator",
        error_messages={"invalid": "Enter the 6 digits your authenticator shows."},
        widget=forms.TextInput(attrs={
            "autofocus": True, "autocomplete": "one-time-code", "inputmode": "numeric",
            "pattern": "[0-9 ]*", "maxlength": 8,
        }),
    )

    def clean_code(self) -> str:
        return str(self.cleaned_data["code"]).strip()


class AgencyForm(forms.ModelForm):
    class Meta:
        model = Agency
        fields = ["name", "kind", "active"]


class UserForm(forms.ModelForm):
    """Create or edit a user. `admin` decides which fields appear: only a platform
    administrator moves users between agencies or makes platform administrators."""

    password = forms.CharField(
        label="Initial password",
        strip=False,
        required=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text="Only when creating a user: they must change it at first sign-in.",
    )

    class Meta:
        model = User
        fields = [
            "username", "first_name", "last_name", "email", "agency", "role", "is_active",
            "manages_all_agencies",
        ]

    def __init__(self, *args: Any, admin: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.admin = admin
        self.creating = self.instance.pk is None
        role = self.fields["role"]
        assert isinstance(role, forms.ChoiceField)  # Django builds it from Role
        role.choices = Role.choices
        agency = self.fields["agency"]
        assert isinstance(agency, forms.ModelChoiceField)
        agency.queryset = Agency.objects.filter(active=True)
        agency.required = True
        agency.empty_label = None
        if not admin.manages_all_agencies:
            del self.fields["agency"]
            del self.fields["manages_all_agencies"]
        if self.creating:
            self.fields["password"].required = True
        else:
            del self.fields["password"]
        if self.instance.pk == admin.pk:
            # No removing one's own rights: another administrator must do that.
            for name in ("role", "is_active", "agency", "manages_all_agencies"):
                self.fields.pop(name, None)

    def clean_password(self) -> str:
        password = str(self.cleaned_data.get("password") or "")
        if self.creating:
            probe = User(
                username=self.cleaned_data.get("username", ""),
                first_name=self.cleaned_data.get("first_name", ""),
                last_name=self.cleaned_data.get("last_name", ""),
                email=self.cleaned_data.get("email", ""),
            )
            password_validation.validate_password(password, probe)
        return password

    def save(self, commit: bool = True) -> User:
        user: User = super().save(commit=False)
        if not self.admin.manages_all_agencies and self.creating:
            user.agency = self.admin.agency
        if self.creating:
            user.set_password(self.cleaned_data["password"])
            user.must_change_password = True
        if commit:
            user.save()
        return user


class SetPasswordForm(forms.Form):
    password = forms.CharField(
        label="New temporary password",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user

    def clean_password(self) -> str:
        password = str(self.cleaned_data["password"])
        password_validation.validate_password(password, self.user)
        return password
