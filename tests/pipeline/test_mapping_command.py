"""``amity mapping request|respond|finish``: each side on its own machine, files in between."""

import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from amity.pipeline.models import MappingRun, MappingStatus

OURS = "name,domain,status\nAcme GmbH,https://www.acme.de/,customer\nGlobex,,open_opportunity\nHooli,hooli.io,prospect\n"
THEIRS = "Name,Domain,Status\nACME Germany,acme.de,prospect\nGlobex Inc.,,customer\nUmbrella,umbrella.com,customer\n"


def run(*args) -> str:
    from io import StringIO

    out = StringIO()
    call_command("mapping", *args, stdout=out)
    return out.getvalue()


def test_two_machines_without_amity_map_through_files(tmp_path, db):
    (tmp_path / "ours.csv").write_text(OURS)
    (tmp_path / "theirs.csv").write_text(THEIRS, encoding="utf-8-sig")
    request, state, response = tmp_path / "request.bin", tmp_path / "state.bin", tmp_path / "response.bin"
    assert "3 accounts" in run(
        "request", "--accounts", str(tmp_path / "ours.csv"), "--out", str(request), "--state", str(state)
    )
    assert b"acme" not in request.read_bytes()
    run(
        "respond",
        "--accounts",
        str(tmp_path / "theirs.csv"),
        "--request",
        str(request),
        "--out",
        str(response),
    )
    table = run("finish", "--state", str(state), "--response", str(response))
    assert "On both lists: 2 (ours 3, theirs 3)" in table
    result = json.loads(run("finish", "--state", str(state), "--response", str(response), "--json"))
    cells = {(c["ours"], c["theirs"]): c for c in result["cells"]}
    assert cells[("customer", "prospect")]["keys"] == ["domain:acme.de"]
    assert cells[("open_opportunity", "customer")]["keys"] == ["name:globex"]


def test_amity_starts_from_its_database_and_finishes_with_the_partners_file(
    tmp_path,
    admin,
    partner_org,
    alliance,
    lists,
):
    (tmp_path / "theirs.csv").write_text(THEIRS)
    request, response = tmp_path / "request.bin", tmp_path / "response.bin"
    out = run("request", "--alliance", str(alliance.pk), "--partner", partner_org.name, "--out", str(request))
    run_record = MappingRun.objects.get()
    assert f"--run {run_record.pk}" in out and run_record.status == MappingStatus.REQUESTED
    run(
        "respond",
        "--accounts",
        str(tmp_path / "theirs.csv"),
        "--request",
        str(request),
        "--out",
        str(response),
    )
    table = run("finish", "--run", str(run_record.pk), "--response", str(response))
    assert "On both lists: 2 (ours 4, theirs 3)" in table
    run_record.refresh_from_db()
    assert run_record.status == MappingStatus.DONE


def test_amity_answers_a_partners_request_from_its_database(tmp_path, admin, partner_org, alliance, lists):
    (tmp_path / "theirs.csv").write_text(THEIRS)
    request, state, response = tmp_path / "request.bin", tmp_path / "state.bin", tmp_path / "response.bin"
    run("request", "--accounts", str(tmp_path / "theirs.csv"), "--out", str(request), "--state", str(state))
    run(
        "respond",
        "--alliance",
        str(alliance.pk),
        "--partner",
        partner_org.name,
        "--request",
        str(request),
        "--out",
        str(response),
    )
    assert MappingRun.objects.get().status == MappingStatus.RESPONDED
    assert "On both lists: 2 (ours 3, theirs 4)" in run(
        "finish", "--state", str(state), "--response", str(response)
    )


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("name,domain\nAcme,acme.de\n", "needs the columns"),
        ("name,domain,status\nAcme,acme.de,partner\n", "line 2: status 'partner'"),
        (b"name,status\n\xff\xfe,customer\n", "not UTF-8"),
    ],
)
def test_bad_account_files_are_refused_naming_the_problem(tmp_path, db, content, message):
    path = tmp_path / "bad.csv"
    path.write_bytes(content if isinstance(content, bytes) else content.encode())
    with pytest.raises(CommandError, match=message):
        run(
            "request",
            "--accounts",
            str(path),
            "--out",
            str(tmp_path / "r.bin"),
            "--state",
            str(tmp_path / "s.bin"),
        )
    assert not (tmp_path / "r.bin").exists()


def test_bad_messages_and_options_exit_with_a_clear_error(tmp_path, db):
    (tmp_path / "junk.bin").write_bytes(b"junk")
    (tmp_path / "ours.csv").write_text(OURS)
    with pytest.raises(CommandError, match="request"):
        run(
            "respond",
            "--accounts",
            str(tmp_path / "ours.csv"),
            "--request",
            str(tmp_path / "junk.bin"),
            "--out",
            str(tmp_path / "o.bin"),
        )
    with pytest.raises(CommandError, match="either --accounts"):
        run("request", "--out", str(tmp_path / "r.bin"), "--state", str(tmp_path / "s.bin"))
    with pytest.raises(CommandError, match="either --state FILE or --run"):
        run("finish", "--response", str(tmp_path / "junk.bin"))
