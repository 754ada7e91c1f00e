"""Every route of the URL conf and every operation of the OpenAPI schema, made concrete with P.

Nothing here lists routes by hand: a route added to any ``urls.py`` or API router is found,
given P for each path parameter, and requested by the matrix.
"""

from __future__ import annotations

import itertools
import re
import secrets
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from django.urls import URLPattern, URLResolver, get_resolver, resolve
from django.urls.resolvers import RegexPattern

from .world import P

#: Parts of the URL conf not walked, each with its reason.
SKIPPED_PREFIXES = {
    "admin/": "the Django admin site (admins only, Django's own permission system, not Amity's visibility rule)",
}

#: Values for string path parameters (by name). The first is used for reads; writes try all.
STRING_VALUES: dict[str, list[str]] = {
    "action": [
        "approve", "reject", "submit", "cancel", "complete", "pay", "recompute", "close", "archive", "end",
    ],
    "what": ["rules", "enrollments"],
    "which": ["request", "response"],
    "label": ["agreements.commitment", "alliances.alliance", "planning.jointbusinessplan"],
}  # fmt: skip
#: Alternatives of regex groups (``re_path``), found while walking.
REGEX_VALUES: dict[str, list[str]] = {}
#: Parameters that are secrets of a user (``calendar/<token>.ics``): filled per user.
TOKEN_PARAMS = {"token"}

_PARAM = re.compile(r"<(?:(?P<converter>[^>:]+):)?(?P<name>[^>]+)>")


@dataclass
class Route:
    pattern: str  # the full route, e.g. "alliances/<int:pk>/plan/"
    name: str  # namespace:name ("" when unnamed)
    params: list[tuple[str, str]]  # (converter, name)
    callback: Any = None
    paths: list[str] = field(default_factory=list)  # concrete paths (all string-value combinations)
    chosen: list[dict[str, str]] = field(default_factory=list)  # the string values of each path

    @property
    def is_api(self) -> bool:
        return self.pattern.startswith("api/")

    @property
    def has_p(self) -> bool:
        return any(_values(name) is None and name not in TOKEN_PARAMS for _, name in self.params)

    @property
    def needs_token(self) -> bool:
        return any(name in TOKEN_PARAMS for _, name in self.params)

    def path(self, token: str | None = None) -> str:
        """The concrete path for reads (first string values; a user's token where one is needed)."""
        return "/" + _fill(self.pattern, {name: token or _random_token() for name in TOKEN_PARAMS})

    def read_paths(self, token: str | None = None) -> list[str]:
        """Concrete paths for reads: every alternative of every parameter but ``action``
        (whose value only matters to a POST); a user's token where one is needed."""
        if self.needs_token:
            return [self.path(token)]
        first = STRING_VALUES["action"][0]
        return [
            p
            for p, chosen in zip(self.paths, self.chosen, strict=True)
            if chosen.get("action", first) == first
        ]


def _random_token() -> str:
    return "cal_" + secrets.token_urlsafe(24)


def _values(name: str) -> list[str] | None:
    return STRING_VALUES.get(name) or REGEX_VALUES.get(name)


def _value(converter: str, name: str) -> str:
    if _values(name):
        return _values(name)[0]
    if converter == "uuid":
        return "00000000-0000-4000-8000-000000000001"
    if converter in ("slug", "path") or name in TOKEN_PARAMS:
        return "canary"
    return str(P)  # int, and the str/untyped ids of the API (``<alliance_id>``)


def _fill(pattern: str, override: dict[str, str] | None = None) -> str:
    override = override or {}

    def sub(match: re.Match) -> str:
        name = match.group("name")
        return override.get(name) or _value(match.group("converter") or "str", name)

    return _PARAM.sub(sub, pattern)


def _walk(patterns: list, prefix: str = "", namespace: str = "") -> list[tuple[str, str, URLPattern]]:
    found = []
    for entry in patterns:
        if isinstance(entry, URLResolver):
            ns = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            found += _walk(entry.url_patterns, prefix + _route_text(entry.pattern), ns)
        else:
            found.append((prefix + _route_text(entry.pattern), f"{namespace}{entry.name or ''}", entry))
    return found


def _route_text(pattern: Any) -> str:
    """A route's text with ``<converter:name>`` parameters; a regex (``re_path``) is turned into
    one: ``(?P<kind>plan|milestone)`` becomes ``<kind>`` with its alternatives as string values."""
    if isinstance(pattern, RegexPattern):
        text = pattern.regex.pattern.removeprefix("^").removesuffix("$").removesuffix("\\Z")

        def group(match: re.Match) -> str:
            name, body = match.group(1), match.group(2)
            if re.fullmatch(r"[\w\-]+(\|[\w\-]+)*", body):
                REGEX_VALUES.setdefault(name, body.split("|"))
                return f"<{name}>"
            return f"<int:{name}>" if re.fullmatch(body, str(P)) else f"<slug:{name}>"

        text = re.sub(r"\(\?P<(\w+)>((?:[^()]|\([^()]*\))*)\)", group, text)
        return re.sub(r"\\(.)", r"\1", text)
    return str(pattern)


@dataclass
class Conf:
    routes: list[Route]  # every pattern walked
    skipped: list[tuple[str, str]]  # (pattern, reason)
    found: int  # every pattern of the URL conf
    unresolved: list[str]  # patterns whose concrete path resolves to another view (a bug here)


def url_conf() -> Conf:
    routes, skipped, unresolved = [], [], []
    everything = _walk(get_resolver().url_patterns)
    for pattern, name, entry in everything:
        reason = next((why for prefix, why in SKIPPED_PREFIXES.items() if pattern.startswith(prefix)), None)
        if reason:
            skipped.append((pattern, reason))
            continue
        params = [(m.group("converter") or "str", m.group("name")) for m in _PARAM.finditer(pattern)]
        route = Route(pattern=pattern, name=name, params=params, callback=entry.callback)
        combos = [_values(n) or [None] for _, n in params]
        for values in itertools.product(*combos) if combos else [()]:
            chosen = {n: v for (_, n), v in zip(params, values, strict=True) if v is not None}
            route.paths.append("/" + _fill(pattern, chosen))
            route.chosen.append(chosen)
        try:
            match = resolve(route.path())
        except Exception:  # noqa: BLE001
            unresolved.append(f"{pattern} → {route.path()} does not resolve")
            continue
        if match.route != pattern and match.func != entry.callback:
            unresolved.append(
                f"{pattern} → {route.path()} is answered by {match.route!r} ({match.view_name})"
            )
            continue
        routes.append(route)
    return Conf(routes=routes, skipped=skipped, found=len(everything), unresolved=unresolved)


# --- the OpenAPI schema --------------------------------------------------------------------------


@dataclass
class Operation:
    method: str  # lower case
    path: str  # "/api/v1/alliances/{alliance_id}"
    operation_id: str
    spec: dict

    @property
    def has_p(self) -> bool:
        return "{" in self.path

    def url(self) -> str:
        return re.sub(r"\{[^}]+\}", str(P), self.path)

    def query(self) -> dict[str, Any]:
        """Required query parameters filled with dummies."""
        return {
            p["name"]: _dummy_value(p["name"], p.get("schema", {}), {})
            for p in self.spec.get("parameters", [])
            if p.get("in") == "query" and p.get("required")
        }

    def alliance_params(self) -> list[str]:
        """Optional query parameters that pick an alliance or organization (``?alliance=P``)."""
        return [
            p["name"]
            for p in self.spec.get("parameters", [])
            if p.get("in") == "query" and re.fullmatch(r"(alliance|organization|partner)(_id)?", p["name"])
        ]


def operations(schema: dict) -> list[Operation]:
    ops = []
    for path, methods in schema["paths"].items():
        for method, spec in methods.items():
            if method in ("get", "post", "put", "patch", "delete"):
                ops.append(Operation(method, path, spec.get("operationId", ""), spec))
    return ops


def request_body(op: Operation, components: dict) -> tuple[str | None, Any]:
    """(content type, body) with every required field (all fields for PATCH/PUT) filled."""
    body = op.spec.get("requestBody")
    if not body:
        return None, None
    content = body.get("content", {})
    if "application/json" in content:
        schema = content["application/json"].get("schema", {})
        return "application/json", _dummy_value(
            "body", schema, components, full=op.method in ("patch", "put")
        )
    if "multipart/form-data" in content:
        schema = _deref(content["multipart/form-data"].get("schema", {}), components)
        form = {}
        for name, prop in schema.get("properties", {}).items():
            prop = _deref(prop, components)
            if prop.get("format") == "binary" or _is_file(prop, components):
                from django.core.files.uploadedfile import SimpleUploadedFile

                form[name] = SimpleUploadedFile("authz.pdf", b"%PDF-1.4\n%%EOF\n", "application/pdf")
            else:
                value = _dummy_value(name, prop, components)
                form[name] = value if not isinstance(value, (dict, list)) else __import__("json").dumps(value)
        return "multipart/form-data", form
    return None, None


def _is_file(schema: dict, components: dict) -> bool:
    if schema.get("type") == "array":
        return _deref(schema.get("items", {}), components).get("format") == "binary"
    return any(_deref(s, components).get("format") == "binary" for s in schema.get("anyOf", []))


def _deref(schema: dict, components: dict) -> dict:
    seen = 0
    while "$ref" in schema and seen < 20:
        name = schema["$ref"].split("/")[-1]
        schema = components.get("schemas", {}).get(name, {})
        seen += 1
    return schema


def _dummy_value(name: str, schema: dict, components: dict, *, full: bool = False, depth: int = 0) -> Any:
    schema = _deref(schema, components)
    if depth > 6:
        return None
    for key in ("anyOf", "oneOf"):
        if key in schema:
            options = [s for s in schema[key] if _deref(s, components).get("type") != "null"]
            return _dummy_value(name, options[0], components, full=full, depth=depth + 1) if options else None
    if "allOf" in schema and schema["allOf"]:
        return _dummy_value(name, schema["allOf"][0], components, full=full, depth=depth + 1)
    if "enum" in schema:
        return schema["enum"][0]
    if "const" in schema:
        return schema["const"]
    kind = schema.get("type")
    fmt = schema.get("format", "")
    lowered = name.lower()
    if kind == "object" or "properties" in schema:
        props = schema.get("properties", {})
        wanted = props if full else {k: v for k, v in props.items() if k in schema.get("required", [])}
        return {k: _dummy_value(k, v, components, depth=depth + 1) for k, v in wanted.items()}
    if kind == "array":
        item = _dummy_value(name.rstrip("s"), schema.get("items", {}), components, depth=depth + 1)
        return [item] if item is not None else []
    if kind == "integer":
        if lowered.endswith(("id", "ids")) or lowered in _ID_NAMES:
            return P
        return max(1, schema.get("minimum", 1) or 1)
    if kind == "number":
        return 1
    if kind == "boolean":
        return True
    if kind == "string":
        if fmt == "date":
            return date.today().isoformat()
        if fmt == "date-time":
            return datetime.now().isoformat()
        if fmt == "email":
            return "authz-write@example.com"
        if fmt in ("uri", "url"):
            return "https://authz-write.example/"
        if fmt == "uuid":
            return "00000000-0000-4000-8000-000000000001"
        if fmt == "binary":
            return "authz"
        return "authz-write"
    return "authz-write"


_ID_NAMES = {
    "alliance", "organization", "partner", "plan", "milestone", "commitment", "agreement", "meeting", "body",
    "contact", "budget", "request", "claim", "opportunity", "account", "assessment", "instrument", "tier",
    "review", "lead", "rule", "statement", "registration", "subscription", "user", "owner", "party", "member",
}  # fmt: skip
