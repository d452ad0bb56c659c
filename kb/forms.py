from django import forms
from django.utils.translation import gettext_lazy as _

from assets.models import EquipmentModel

from .models import Article


class ArticleForm(forms.ModelForm):
    equipment_models = forms.ModelMultipleChoiceField(
        label=_("equipment models"),
        queryset=EquipmentModel.objects.all(),
        required=False,
        help_text=_("None: the article applies to every unit."),
    )

    class Meta:
        model = Article
        fields = ["title", "language", "status", "category", "equipment_models", "body"]
        widgets = {"body": forms.Textarea(attrs={"rows": 14})}
