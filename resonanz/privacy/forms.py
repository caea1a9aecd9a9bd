from __future__ import annotations

from django import forms

from resonanz.privacy.models import RetentionSettings
from resonanz.privacy.services import PERIOD_FIELDS


class RetentionForm(forms.ModelForm):
    class Meta:
        model = RetentionSettings
        fields = PERIOD_FIELDS
