"""Instruments as versioned YAML files in the repository, validated and synced into the database.

File format (``assessments/instruments/<key>.yaml``)::

    key: alliance-health          # slug, the file's identity
    version: 1                    # bump when items change after answers exist
    name: Alliance health check
    kind: health                  # assessment | health | benchmark
    two_sided: true
    description: ...
    scale: {min: 1, max: 5, labels: {1: ..., 5: ...}}
    dimensions:
      - {key: flexibility, name: ..., weight: 1, description: ...}
    items:
      - key: flex-stand            # unique in the file
        dimension: flexibility
        type: scale | tension      # tension: where it stands and where you want it, between poles
        text: ...
        guidance: ...              # optional
        weight: 1                  # optional, default 1
        reverse: false             # optional: a high answer is a bad sign
        poles: [left end, right end]   # tension items
        indicator: hard_commitment_share   # optional: computed from Amity's data (indicators.py)
        stage: identify            # benchmark items: life-cycle stage

``sync()`` creates the instrument version if it is new, updates it in place while nobody has
answered it, and refuses to change a version that has answers (the error says to bump the
version). Only the newest version of each key is active.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

import yaml
from django.db import transaction

from .models import Answer, Instrument, InstrumentItem, InstrumentKind, ItemType

DIRECTORY = Path(__file__).resolve().parent / "instruments"
STAGES = ("identify", "assess", "negotiate", "launch", "manage", "review", "transform")


class InstrumentError(ValueError):
    """A YAML instrument is malformed; the message names the file and the field."""


@dataclass
class SyncReport:
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)

    def __str__(self) -> str:
        parts = [
            f"{len(self.created)} created",
            f"{len(self.updated)} updated",
            f"{len(self.unchanged)} unchanged",
        ]
        return "instruments: " + ", ".join(parts)


def _fail(path: Path, where: str, message: str) -> InstrumentError:
    return InstrumentError(f"{path.name}: {where}: {message}")


def _weight(path: Path, where: str, raw: Any) -> Decimal:
    try:
        value = Decimal(str(1 if raw is None else raw))
    except InvalidOperation:
        raise _fail(path, where, f"weight {raw!r} is not a number") from None
    if not value.is_finite() or value <= 0:
        raise _fail(path, where, "weight must be more than 0")
    return value


def parse(path: Path) -> dict[str, Any]:
    """Read and validate one file; returns the clean spec (raises InstrumentError)."""
    raw_bytes = path.read_bytes()
    try:
        spec = yaml.safe_load(raw_bytes)
    except yaml.YAMLError as exc:
        raise InstrumentError(f"{path.name}: not valid YAML ({exc})") from None
    if not isinstance(spec, dict):
        raise InstrumentError(f"{path.name}: the file must be a mapping")
    for required in ("key", "version", "name", "dimensions", "items"):
        if required not in spec:
            raise _fail(path, required, "is required")
    if not isinstance(spec["version"], int) or spec["version"] < 1:
        raise _fail(path, "version", "must be a whole number from 1")
    kind = spec.get("kind", InstrumentKind.ASSESSMENT)
    if kind not in InstrumentKind.values:
        raise _fail(path, "kind", f"must be one of {', '.join(InstrumentKind.values)}")
    scale = spec.get("scale") or {}
    lo, hi = int(scale.get("min", 1)), int(scale.get("max", 5))
    if not 0 <= lo < hi <= 10:
        raise _fail(path, "scale", "needs 0 ≤ min < max ≤ 10")
    dims = []
    for i, d in enumerate(spec["dimensions"] or []):
        if not isinstance(d, dict) or not d.get("key") or not d.get("name"):
            raise _fail(path, f"dimensions[{i}]", "needs a key and a name")
        dims.append(
            {
                "key": str(d["key"]),
                "name": str(d["name"]),
                "weight": str(_weight(path, f"dimensions[{i}].weight", d.get("weight"))),
                "description": str(d.get("description", "")).strip(),
            }
        )
    dim_keys = [d["key"] for d in dims]
    if not dims or len(set(dim_keys)) != len(dim_keys):
        raise _fail(path, "dimensions", "need at least one, with unique keys")
    from .indicators import INDICATORS

    items, seen = [], set()
    for i, it in enumerate(spec["items"] or []):
        where = f"items[{i}]"
        if not isinstance(it, dict) or not it.get("key") or not it.get("text"):
            raise _fail(path, where, "needs a key and a text")
        if it["key"] in seen:
            raise _fail(path, f"{where}.key", f"{it['key']!r} is used twice")
        seen.add(it["key"])
        if it.get("dimension") not in dim_keys:
            raise _fail(path, f"{where}.dimension", f"{it.get('dimension')!r} is not one of the dimensions")
        item_type = it.get("type", ItemType.SCALE)
        if item_type not in ItemType.values:
            raise _fail(path, f"{where}.type", f"must be one of {', '.join(ItemType.values)}")
        poles = it.get("poles") or []
        if item_type == ItemType.TENSION and (len(poles) != 2 or not all(poles)):
            raise _fail(path, f"{where}.poles", "a tension item needs its two poles")
        indicator = it.get("indicator") or ""
        if indicator and indicator not in INDICATORS:
            raise _fail(path, f"{where}.indicator", f"{indicator!r} is not a known indicator")
        stage = it.get("stage") or ""
        if stage and stage not in STAGES:
            raise _fail(path, f"{where}.stage", f"must be one of {', '.join(STAGES)}")
        items.append(
            {
                "key": str(it["key"]),
                "dimension": it["dimension"],
                "order": i + 1,
                "type": item_type,
                "text": str(it["text"]).strip(),
                "guidance": str(it.get("guidance", "")).strip(),
                "weight": _weight(path, f"{where}.weight", it.get("weight")),
                "reverse": bool(it.get("reverse", False)),
                "poles": [str(p) for p in poles],
                "indicator": indicator,
                "stage": stage,
            }
        )
    if not items:
        raise _fail(path, "items", "need at least one")
    return {
        "key": str(spec["key"]),
        "version": spec["version"],
        "name": str(spec["name"]),
        "kind": kind,
        "two_sided": bool(spec.get("two_sided", False)),
        "description": str(spec.get("description", "")).strip(),
        "scale_min": lo,
        "scale_max": hi,
        "scale_labels": {str(k): str(v) for k, v in (scale.get("labels") or {}).items()},
        "dimensions": dims,
        "items": items,
        "source": f"assessments/instruments/{path.name}",
        "sha256": hashlib.sha256(raw_bytes).hexdigest(),
    }


def files(directory: Path = DIRECTORY) -> list[Path]:
    return sorted(directory.glob("*.yaml"))


@transaction.atomic
def sync(directory: Path = DIRECTORY) -> SyncReport:
    """Bring the database in line with the YAML files (all files are validated first)."""
    specs = [parse(path) for path in files(directory)]
    keys = [s["key"] for s in specs]
    if len(set(keys)) != len(keys):
        raise InstrumentError("two files share one instrument key")
    report = SyncReport()
    for spec in specs:
        items = spec.pop("items")
        label = f"{spec['key']} v{spec['version']}"
        current = Instrument.objects.filter(key=spec["key"], version=spec["version"]).first()
        if current is not None and current.sha256 == spec["sha256"]:
            report.unchanged.append(label)
        elif current is not None and Answer.objects.filter(item__instrument=current).exists():
            raise InstrumentError(
                f"{spec['source']}: version {spec['version']} already has answers and the file changed: "
                "give it a new version number"
            )
        else:
            if current is None:
                current = Instrument.objects.create(**spec)
                report.created.append(label)
            else:
                for name, value in spec.items():
                    setattr(current, name, value)
                current.save()
                current.items.all().delete()  # no answers refer to them (checked above)
                report.updated.append(label)
            InstrumentItem.objects.bulk_create(InstrumentItem(instrument=current, **item) for item in items)
        Instrument.objects.filter(key=spec["key"]).exclude(version=spec["version"]).filter(
            version__lt=spec["version"]
        ).update(active=False)
        Instrument.objects.filter(key=spec["key"], version=spec["version"]).update(active=True)
    return report
