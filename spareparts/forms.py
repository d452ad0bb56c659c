from django import forms
from django.utils.translation import gettext_lazy as _

from .models import ProcurementRequest


class PartQuantityForm(forms.Form):
    """Reserve, use or return parts on a visit (the engineer's visit page)."""

    part = forms.ModelChoiceField(queryset=None, label=_("Part"))
    quantity = forms.IntegerField(label=_("Quantity"), min_value=1, max_value=9999, initial=1)

    def __init__(self, *args, parts, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["part"].queryset = parts


class TransferForm(forms.Form):
    part = forms.ModelChoiceField(queryset=None, label=_("Part"))
    from_stockroom = forms.ModelChoiceField(queryset=None, label=_("From"))
    to_stockroom = forms.ModelChoiceField(queryset=None, label=_("To"))
    quantity = forms.IntegerField(label=_("Quantity"), min_value=1, max_value=99999)
    note = forms.CharField(label=_("Note"), max_length=300, required=False)

    def __init__(self, *args, parts, origins, targets, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["part"].queryset = parts
        self.fields["from_stockroom"].queryset = origins
        self.fields["to_stockroom"].queryset = targets

    def clean(self):
        data = super().clean()
        if data.get("from_stockroom") and data.get("from_stockroom") == data.get("to_stockroom"):
            self.add_error("to_stockroom", _("Choose another stockroom to ship to."))
        return data


class ProcurementForm(forms.Form):
    part = forms.ModelChoiceField(queryset=None, label=_("Part"))
    quantity = forms.IntegerField(label=_("Quantity"), min_value=1, max_value=99999)
    stockroom = forms.ModelChoiceField(queryset=None, label=_("Receive into"))
    priority = forms.ChoiceField(
        label=_("Priority"),
        choices=ProcurementRequest.Priority.choices,
        initial=ProcurementRequest.Priority.MEDIUM,
    )
    vendor = forms.CharField(label=_("Vendor"), max_length=200, required=False)
    expected_on = forms.DateField(
        label=_("Expected on"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    note = forms.CharField(
        label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, parts, stockrooms, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["part"].queryset = parts
        self.fields["stockroom"].queryset = stockrooms
