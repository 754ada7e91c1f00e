"""django-ninja names an OpenAPI component after its schema class, so two different schemas of
the same name in two modules silently replace each other in /api/v1/openapi.json (the
document then describes one endpoint's payload with another's). Keep the names unique."""

from __future__ import annotations

import json
from collections import defaultdict

from ninja import Schema

from amity.api import api


def _amity_schemas(cls=Schema, found=None):
    found = defaultdict(list) if found is None else found
    for sub in cls.__subclasses__():
        if sub.__module__.startswith("amity."):
            found[sub.__name__].append(sub)
        _amity_schemas(sub, found)
    return found


def test_no_two_modules_define_different_schemas_of_one_name():
    api.get_openapi_schema()  # every router mounted and every schema class created
    clashes = []
    for name, classes in _amity_schemas().items():
        modules = {c.__module__ for c in classes}
        shapes = {json.dumps(c.model_json_schema(), sort_keys=True) for c in classes}
        if len(modules) > 1 and len(shapes) > 1:
            clashes.append(f"{name}: {sorted(modules)}")
    assert clashes == [], "rename one of each: " + "; ".join(clashes)
