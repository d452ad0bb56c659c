from django import forms
from django.utils.translation import gettext_lazy as _

from .models import User


class CustomerUserForm(forms.ModelForm):
    """A customer admin adds a colleague to their own organisation."""

    role = forms.ChoiceField(
        label=_("role"),
        choices=[
            (User.Role.CUSTOMER, User.Role.CUSTOMER.label),
            (User.Role.CUSTOMER_ADMIN, User.Role.CUSTOMER_ADMIN.label),
        ],
    )
    password = forms.CharField(
        label=_("initial password"), widget=forms.PasswordInput, required=False
    )

    class Meta:
        model = User
        fields = [
            "username",
            "first_name",
            "last_name",
            "email",
            "phone",
            "role",
            "language",
            "time_zone",
        ]
