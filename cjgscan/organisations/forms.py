from django import forms

from cjgscan.organisations.models import Organisation


class OrganisationForm(forms.ModelForm):
    class Meta:
        model = Organisation
        fields = ["name", "municipality", "region", "benchmark_opt_in"]

    def clean_name(self) -> str:
        name = " ".join(self.cleaned_data["name"].split())
        return name
