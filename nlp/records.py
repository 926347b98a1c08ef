"""The typed records of chidao, defined once and imported everywhere.

Extraction output follows EXTRACTION.md section 7: ``Extraction.to_json()`` is
exactly the object ``chidao extract`` prints. Offsets are code points into the
NFC text of the input.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import date
from typing import Any


@dataclass(slots=True)
class Body:
    """A gazetteer entry: one organisation with its names and validity."""

    name: str
    type: str
    aliases: list[str] = field(default_factory=list)
    valid_from: date | None = None
    valid_to: date | None = None
    successors: list[str] = field(default_factory=list)
    predecessors: list[str] = field(default_factory=list)


@dataclass(slots=True)
class BodyMention:
    """A body (or office, or collective) named in the text.

    ``name`` is the canonical name at the document's date, or a collective
    marker (``*bộ-ngành``, ``*địa-phương``, ``*cơ-quan-liên-quan``).
    ``kind`` is ``body``, ``office`` (a person's title standing for a body) or
    ``collective``.
    """

    start: int
    end: int
    text: str
    name: str
    kind: str = "body"

    @property
    def is_collective(self) -> bool:
        return self.name.startswith("*")


@dataclass(slots=True)
class TimeExpr:
    """A time expression with the last day it names (None when it names none)."""

    start: int
    end: int
    text: str
    kind: str  # due | period | target | start | recurring | immediate | range | past
    date: date | None
    granularity: str | None = None  # day | week | month | quarter | half | year


@dataclass(slots=True)
class Figure:
    text: str
    start: int
    end: int
    value: float
    unit: str
    total: float | None = None

    def to_json(self) -> dict[str, Any]:
        out = {"text": self.text, "start": self.start, "end": self.end, "value": self.value, "unit": self.unit}
        if self.total is not None:
            out["total"] = self.total
        return out


@dataclass(slots=True)
class Reference:
    number: str
    type: str | None
    date: str | None = None
    start: int = 0
    end: int = 0
    text: str = ""

    def to_json(self) -> dict[str, Any]:
        return {"number": self.number, "type": self.type, "date": self.date,
                "start": self.start, "end": self.end}


@dataclass(slots=True)
class Directive:
    text: str
    start: int
    end: int
    responsible: list[str] = field(default_factory=list)
    coordinate: list[str] = field(default_factory=list)
    deadline: str | None = None
    deadline_text: str | None = None
    deadline_granularity: str | None = None
    issuer_person: str | None = None
    issuer_office: str | None = None
    verb: str | None = None
    confidence: float = 0.5
    extractors: list[str] = field(default_factory=lambda: ["rules"])
    topics: list[str] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(slots=True)
class DocumentHeader:
    """What the header of an official document says about itself."""

    issuer: str | None = None
    number: str | None = None
    doc_type: str | None = None
    date: date | None = None
    place: str | None = None
    title: str | None = None
    signer: str | None = None
    signer_title: str | None = None


@dataclass(slots=True)
class Extraction:
    """Everything extracted from one document."""

    path: str
    directives: list[Directive] = field(default_factory=list)
    figures: list[Figure] = field(default_factory=list)
    references: list[Reference] = field(default_factory=list)
    bodies: list[str] = field(default_factory=list)
    date: str | None = None
    header: DocumentHeader | None = None

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "path": self.path,
            "date": self.date,
            "directives": [d.to_json() for d in self.directives],
            "figures": [f.to_json() for f in self.figures],
            "references": [r.to_json() for r in self.references],
            "bodies": list(self.bodies),
        }
        if self.header is not None:
            h = asdict(self.header)
            h["date"] = self.header.date.isoformat() if self.header.date else None
            out["document"] = h
        return out


@dataclass(slots=True)
class Document:
    """A document as the pipeline handles it: text plus where it came from."""

    text: str
    path: str = ""
    url: str | None = None
    title: str | None = None
    published: date | None = None
    source: str | None = None
    meta: dict[str, Any] = field(default_factory=dict)
