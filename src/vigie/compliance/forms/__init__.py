"""Forms describe shape only; rules live in the models, rules.py and services.py.
Every organisation offered comes from a query limited by the user's roles."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from vigie.core.organisation_choice import OrganisationField

from ..models import Answer, AnswerKind, Assessment, Evidence, FrameworkVersion, localised
from ..services import parse_references


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


class AssessmentCreateForm(forms.Form):
    organisation = OrganisationField(model=Assessment, action="add")
    version = forms.ModelChoiceField(label=_("Framework version"), queryset=FrameworkVersion.objects.none(),
                                     to_field_name="uuid")
    assessed_on = forms.DateField(label=_("Date"), widget=DateInput())

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].offer(user)
        self.fields["version"].queryset = FrameworkVersion.objects.select_related("framework")
        self.fields["assessed_on"].initial = timezone.localdate()


class ConditionsForm(forms.Form):
    """One yes/no question per condition the framework file declares."""

    def __init__(self, *args, version, values, **kwargs):
        super().__init__(*args, **kwargs)
        for condition in version.conditions:
            self.fields[condition["key"]] = forms.BooleanField(
                label=localised(condition["question"]), required=False, initial=values.get(condition["key"]))


class AnswerForm(forms.ModelForm):
    evidence = forms.ModelMultipleChoiceField(label=_("Linked evidence"), queryset=Evidence.objects.none(),
                                              required=False, to_field_name="uuid")

    class Meta:
        model = Answer
        fields = ["status", "score", "comment", "evidence"]
        widgets = {"comment": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        assessment = self.instance.assessment
        self.fields["evidence"].queryset = Evidence.objects.filter(organisation=assessment.organisation)
        if assessment.version.answer_kind == AnswerKind.MATURITY:
            self.fields["status"].choices = [("", "—"), (Answer.Status.NOT_APPLICABLE, Answer.Status.NOT_APPLICABLE.label)]
            self.fields["score"].widget = forms.Select(choices=[("", "—")] + [(i, str(i)) for i in range(4)])
        else:
            del self.fields["score"]

    def _post_clean(self):  # the service validates the model with its rules
        pass


class EvidenceForm(forms.Form):
    organisation = OrganisationField(model=Evidence, action="add")
    file = forms.FileField(label=_("File"))
    title = forms.CharField(label=_("Title"), max_length=200, required=False,
                            help_text=_("The file name when left empty."))
    document_date = forms.DateField(label=_("Document date"), widget=DateInput(),
                                    help_text=Evidence._meta.get_field("document_date").help_text)
    references = forms.CharField(
        label=_("Requirements proved"), required=False, widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("framework:CODE, separated by commas, e.g. care-d2:D2.P1, anssi-hygiene:37"),
    )
    description = forms.CharField(label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].offer(user)

    def clean_references(self):
        return parse_references(self.cleaned_data.get("references", ""))


class FrameworkUploadForm(forms.Form):
    file = forms.FileField(label=_("Framework file (YAML)"))
