"""The comment form: it parses the text; ``services`` checks and writes it."""

from __future__ import annotations

from django import forms

from amity.core.forms import MarkInvalidMixin

from .models import MAX_BODY


class CommentForm(MarkInvalidMixin, forms.Form):
    body = forms.CharField(
        label="Comment",
        max_length=MAX_BODY,
        strip=True,
        widget=forms.Textarea(
            attrs={
                "rows": 3,
                "class": "form-control",
                "maxlength": MAX_BODY,
                "placeholder": "Write a comment. Mention someone with @username to notify them.",
            }
        ),
        error_messages={
            "required": "Write something first.",
            "max_length": f"A comment holds at most {MAX_BODY:,} characters (this one has %(show_value)d).",
        },
    )
    version = forms.IntegerField(required=False, widget=forms.HiddenInput)

    def clean_body(self) -> str:
        body = self.cleaned_data["body"]
        if "\x00" in body:
            raise forms.ValidationError("The text contains a null character.")
        return body
