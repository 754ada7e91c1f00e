"""core.bulk writes the same rows and history as bulk_create_with_history, only faster."""

from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.forms.models import model_to_dict
from simple_history.utils import bulk_create_with_history

from amity.core.bulk import create_with_history, insert
from amity.pipeline.models import Account, Opportunity, OpportunityStageChange
from tests import factories as f
from tests.pipeline.factories import AccountFactory

pytestmark = pytest.mark.django_db

AMSTERDAM = ZoneInfo("Europe/Amsterdam")


def _opportunities(account, n, tag):
    return [
        Opportunity(
            name=f"{tag} deal {i} – “quoted”, 100%",
            account=account,
            amount=Decimal("1234567.89") + i,
            currency="EUR",
            stage="proposal",
            probability=60,
            close_date=date(2026, 12, 31),
            stage_changed_at=datetime(2026, 6, 1, 9, 15, 30, 123456, tzinfo=AMSTERDAM),
            external_ids={"salesforce": f"006{tag}{i}", "hubspot": "x"},
        )
        for i in range(n)
    ]


def _comparable(obj):
    data = model_to_dict(obj, exclude=["id", "created_at", "updated_at", "name", "external_ids"])
    return data | {"name": obj.name.split(" ", 1)[1], "ext": sorted(obj.external_ids)}


def test_rows_read_back_equal_to_bulk_create_and_history_is_written():
    user = f.admin_user()
    account = AccountFactory()
    ours = create_with_history(Opportunity, _opportunities(account, 1200, "A"), user=user)
    bulk_create_with_history(_opportunities(account, 1200, "B"), Opportunity, default_user=user)

    assert all(o.pk for o in ours) and len({o.pk for o in ours}) == 1200
    fresh_ours = {o.pk: o for o in Opportunity.objects.filter(name__startswith="A ")}
    fresh_theirs = list(Opportunity.objects.filter(name__startswith="B ").order_by("pk"))
    assert set(fresh_ours) == {o.pk for o in ours}
    for mine, reference in zip(sorted(fresh_ours.values(), key=lambda o: o.pk), fresh_theirs, strict=True):
        assert _comparable(mine) == _comparable(reference)
    sample = fresh_ours[ours[7].pk]
    assert sample.amount == Decimal("1234574.89") and sample.stage_changed_at == ours[7].stage_changed_at
    assert sample.external_ids == {"salesforce": "006A7", "hubspot": "x"}

    history = Opportunity.history.filter(id__in=[o.pk for o in ours])
    assert history.count() == 1200
    assert set(history.values_list("history_type", "history_user_id")) == {("+", user.pk)}
    assert history.get(id=ours[0].pk).instance.name == ours[0].name


def test_auto_now_fields_are_filled_and_instances_are_saved():
    account = AccountFactory()
    [opp] = create_with_history(Opportunity, _opportunities(account, 1, "C"))
    change = OpportunityStageChange(
        opportunity=opp, from_stage="", to_stage="proposal", changed_at=opp.stage_changed_at
    )
    insert(OpportunityStageChange, [change])
    assert change.pk and not change._state.adding
    opp.refresh_from_db()
    assert opp.updated_at is not None and opp.created_at is not None
    assert OpportunityStageChange.objects.get(pk=change.pk).opportunity == opp


def test_nothing_to_insert_is_no_query(django_assert_num_queries):
    with django_assert_num_queries(0):
        assert create_with_history(Account, []) == []
