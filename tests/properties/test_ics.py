"""ICS output: any title or description (newlines, commas, semicolons, backslashes, unicode,
very long) comes back unchanged from a standard parser, and every line is folded to at most
75 octets as RFC 5545 requires."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from hypothesis import given
from hypothesis import strategies as st
from icalendar import Calendar

from amity.core.agenda import DONE, OPEN, AgendaItem
from amity.notifications.ics import calendar_bytes

# Text a person can type: no surrogates or other control characters except newline and tab.
# A lone CR is normalised by every calendar reader, so it is left out of the round trip.
typed = st.text(
    alphabet=st.characters(blacklist_categories=("Cs", "Cc"), whitelist_characters="\n\t"),
    max_size=120,
)
title = st.one_of(
    typed.filter(lambda s: s.strip()),
    st.sampled_from(
        ["a,b;c\\d", "Q3; review, go/no-go", "Kick-off\nday 2", "😀" * 40, "é" * 200, "x" * 1000]
    ),
)
day = st.dates(min_value=date(2000, 1, 1), max_value=date(2099, 12, 31))


@st.composite
def items(draw):
    n = draw(st.integers(min_value=1, max_value=4))
    out = []
    for i in range(n):
        start = None
        d = draw(day)
        if draw(st.booleans()):
            start = datetime(d.year, d.month, d.day, draw(st.integers(0, 23)), tzinfo=UTC)
        out.append(
            AgendaItem(
                uid=f"milestone-{i}",
                alliance_id=1,
                kind=draw(st.sampled_from(["milestone_due", "meeting", "commitment_due", "new_kind"])),
                title=draw(title),
                day=d,
                url=f"/alliances/1/#item-{i}",
                status=draw(st.sampled_from([OPEN, DONE])),
                start=start,
                end=start + timedelta(minutes=draw(st.integers(0, 600))) if start else None,
                description=draw(typed),
            )
        )
    return out


@given(agenda=items(), alliance_name=title, single=st.booleans())
def test_any_title_round_trips_through_an_ics_parser_with_lines_of_at_most_75_octets(
    agenda, alliance_name, single
):
    now = datetime(2026, 11, 1, 9, 30, tzinfo=UTC)
    data = calendar_bytes(
        agenda,
        name=f"Amity: {alliance_name}",
        alliance_names={1: alliance_name},
        now=now,
        single_alliance=single,
    )

    lines = data.split(b"\r\n")
    assert lines[-1] == b"" and all(len(line) <= 75 for line in lines)
    data.decode("utf-8")  # folding never splits a multi-byte character
    calendar = Calendar.from_ical(data)
    assert str(calendar["x-wr-calname"]) == " ".join(f"Amity: {alliance_name}".split())
    events = calendar.walk("VEVENT")
    assert len(events) == len(agenda)
    for event, item in zip(events, agenda, strict=True):
        summary = str(event["summary"])
        assert summary.endswith(item.title)
        assert summary.startswith("✓ ") == (item.status == DONE)
        description = str(event["description"])
        if item.description.strip():
            assert description.startswith(item.description.strip())
        assert str(event["uid"]) == f"{item.uid}@amity"
        start = event.decoded("dtstart")
        if item.start is None:
            assert start == item.day and event.decoded("dtend") == item.day + timedelta(days=1)
        else:
            assert start == item.start and event.decoded("dtend") >= start
