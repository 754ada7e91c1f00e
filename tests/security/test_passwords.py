"""The password policy: Django's validators, at least 12 characters."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError

from amity.accounts.models import User

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("password", "reason"),
    [
        ("short-pw-1", "at least 12 characters"),
        ("password1234", "too common"),
        ("839201749201", "entirely numeric"),
        ("hannah.devries", "too similar"),
    ],
)
def test_weak_passwords_are_refused_with_the_reason(password, reason):
    user = User(username="hannah.devries", first_name="Hannah", email="hannah.devries@example.com")
    with pytest.raises(ValidationError) as caught:
        validate_password(password, user)
    assert any(reason in message for message in caught.value.messages), caught.value.messages


def test_the_demo_password_passes_the_policy():
    user = User(username="hannah", first_name="Hannah", last_name="de Vries")
    validate_password(settings.DEMO_PASSWORD, user)
    validate_password("amity-demo-2026", user)


def test_a_long_unusual_password_passes():
    validate_password("correct-horse-battery-9", User(username="someone"))
