"""Sign-in is Django's; here: the personal API tokens page."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from . import services
from .models import ApiToken


class TokenForm(forms.Form):
    name = forms.CharField(
        max_length=100, initial="API token", widget=forms.TextInput(attrs={"class": "form-control"})
    )
    days = forms.IntegerField(
        required=False,
        min_value=1,
        max_value=3650,
        label="Expires after (days)",
        widget=forms.NumberInput(attrs={"class": "form-control", "placeholder": "never"}),
    )


@login_required
def tokens(request: HttpRequest) -> HttpResponse:
    raw = None
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        _, raw = services.token_create(
            user=request.user, name=form.cleaned_data["name"], days=form.cleaned_data["days"]
        )
        form = TokenForm()
    status = 422 if request.method == "POST" and raw is None else 200
    return render(
        request,
        "accounts/tokens.html",
        {
            "form": form,
            "raw": raw,
            "tokens": ApiToken.objects.filter(user=request.user),
            "title": "API tokens",
        },
        status=status,
    )


@login_required
@require_POST
def token_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    token = get_object_or_404(ApiToken, pk=pk, user=request.user)
    services.token_revoke(token=token, user=request.user)
    messages.success(request, f"Revoked {token.name}.")
    return redirect("accounts:tokens")
