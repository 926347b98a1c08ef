"""The body gazetteer: which bodies a text names, under their canonical names.

Bodies come from data, not code (``nlp/data``):

- ``bodies_central.yml``: ministries, agencies, Party and State bodies, groups,
  associations, Cục and Vụ, with aliases, validity and successors;
- ``bodies_provincial.yml``: provincial bodies as patterns (head × province),
  the provincial departments (Sở), and district/commune heads;
- ``offices.yml``: titles that stand for a body ("Thủ tướng" → Chính phủ);
- ``collectives.yml``: the grammar of collective addressees (*bộ-ngành …).

The province list is underthesea's (``underthesea/address/data/mapping.json``:
63 provinces before 1 July 2025, 34 after, the mapping, and the old districts and
wards); it is read directly so that finding bodies does not import the whole of
underthesea.

Matching runs on ``match_form(text)`` (lower case, modern tones, length-preserving)
with a few compiled regexes whose alternations are prefix tries, so one pass per
family covers thousands of names. Capitalisation is checked on the original text
where it matters (acronyms, proper names, "Sở" vs "cơ sở").
"""

from __future__ import annotations

import importlib.util
import json
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date
from functools import cache, lru_cache
from pathlib import Path
from typing import Any

import yaml

from nlp.records import Body, BodyMention
from nlp.text import fold_tones, match_form, nfc, strip_marks

DATA_DIR = Path(__file__).parent / "data"
MARKERS = ("*bộ-ngành", "*địa-phương", "*cơ-quan-liên-quan")

_TOKEN_RE = re.compile(r"\w+|[^\w\s]")
_WORD_RE = re.compile(r"[\w'’]+")
_SPACE_RE = re.compile(r"\s+")
_WORD_SCAN = re.compile(r"\w+")
_OLD_RE = re.compile(r"\s*\(\s*cũ\s*\)|\s+cũ(?!\w)|\s*\(\s*trước\s+đây\s*\)")
_DOCNUM_BEFORE = re.compile(r"[\w.]\s?[-/]$")
_DOCNUM_AFTER = re.compile(r"[-/]\w")
_UNIT_AFTER = re.compile(r"\s+(?:tỉnh|thành\s+phố|tp)(?!\w)")
_NAME_GAP = re.compile(r"[ \t\n]+|\s*-\s*")
_DIGIT_BEFORE = re.compile(r"\d\s*$")
_PLURAL_BEFORE = re.compile(r"(?<!\w)(?:các|những|từng)\s+$")
_DET_BEFORE = re.compile(r"(?:các|những|từng|mỗi)\s+$")

# Families, in order of preference when two candidates cover the same span.
_PRIO_FIXED, _PRIO_PATTERN, _PRIO_PROV, _PRIO_LIST, _PRIO_LOCAL, _PRIO_COLL = range(6)

_NEXT_WORD = re.compile(r"[ \t\n]+(\w)")
_TRUNG_UONG = re.compile(r"\s+trung\s+ương(?!\w)")
_MOTTO_RE = re.compile(r"CỘNG\s+HÒA\s+XÃ\s+HỘI\s+CHỦ\s+NGHĨA\s+VIỆT\s+NAM|Độc\s+lập\s*-\s*Tự\s+do\s*-\s*Hạnh\s+phúc"
                       r"|ĐẢNG\s+CỘNG\s+SẢN\s+VIỆT\s+NAM", re.IGNORECASE)
_SKIP: Any = object()  # a phrase that is no mention, and whose words start none either

Handler = Callable[["_Ctx", re.Match[str]], "tuple[list[_Cand], int] | None"]


# --- small text helpers -------------------------------------------------------------------------------------------


def _mf(text: str) -> str:
    return match_form(nfc(text))


def _tokens(text: str) -> list[str]:
    return _TOKEN_RE.findall(_mf(text))


def _key(text: str) -> str:
    """A name's lookup key: its match-form tokens, space-joined (so "KH & ĐT" = "KH&ĐT")."""
    return " ".join(_tokens(text))


def _mkey(mf_text: str) -> str:
    """The key of a substring that is already in match form."""
    return " ".join(_TOKEN_RE.findall(mf_text))


def _is_word(tok: str) -> bool:
    return bool(re.match(r"\w", tok))


def _seq_regex(tokens: list[str]) -> str:
    out = []
    for i, tok in enumerate(tokens):
        if i:
            out.append(r"\s+" if _is_word(tok) and _is_word(tokens[i - 1]) else r"\s*")
        out.append(re.escape(tok))
    return "".join(out)


def _trie_regex(seqs: Iterable[list[str]], ends: dict[tuple[str, ...], str] | None = None) -> str:
    """One regex for many token sequences, factored as a prefix trie (longer continuations tried first).

    ``ends`` maps a sequence to a regex that must hold where it ends (a lookahead).
    """
    trie: dict[str, Any] = {}
    for seq in seqs:
        if not seq:
            continue
        node = trie
        for tok in seq:
            node = node.setdefault(tok, {})
        node[""] = (ends or {}).get(tuple(seq), "")

    def emit(node: dict[str, Any], prev: str | None) -> str:
        alts = []
        for tok in sorted((t for t in node if t), key=lambda t: (-len(t), t)):
            sep = ""
            if prev is not None:
                sep = r"\s+" if _is_word(tok) and _is_word(prev) else r"\s*"
            alts.append(sep + re.escape(tok) + emit(node[tok], tok))
        end = node.get("")
        if end:
            alts.append(end)
        if not alts:
            return ""
        body = alts[0] if len(alts) == 1 and end is None else "(?:" + "|".join(alts) + ")"
        return f"(?:{body})?" if end == "" else body

    return emit(trie, None)


def _by_first(seqs: list[list[str]], wrap: Callable[[str], str]) -> dict[str, re.Pattern[str]]:
    """One small regex per first word: the scanner knows the word, so each attempt walks a small trie."""
    groups: dict[str, list[list[str]]] = {}
    for seq in seqs:
        if seq:
            groups.setdefault(seq[0], []).append(seq)
    return {first: re.compile(wrap(_trie_regex(group))) for first, group in groups.items()}


def _rev_regex(seqs: list[list[str]], chain: bool = False) -> re.Pattern[str]:
    """A regex over the reversed text for phrases ending at a position ("Chủ tịch| UBND các tỉnh").

    ``chain`` allows several of them joined by commas ("Bộ trưởng, Thủ trưởng").
    """
    trie = _trie_regex([[t[::-1] for t in reversed(seq)] for seq in seqs if seq])
    body = rf"(?:{trie})(?:\s*,\s*(?:{trie}))*" if chain else trie
    return re.compile(rf"(?:{body})(?!\w)")


def _orig_tokens(text: str) -> list[str]:
    return _TOKEN_RE.findall(nfc(text))


Strict = tuple[tuple[int, str], ...]


def _strict(form: str) -> Strict:
    """The tokens of a data form that must keep their capitals in the text (VPCP, KH&ĐT, TTg)."""
    return tuple((i, t) for i, t in enumerate(_orig_tokens(form)) if sum(c.isupper() for c in t) >= 2)


def _case_ok(text: str, start: int, end: int, strict: Strict) -> bool:
    """Acronyms as written in the data, or in capitals (a header in capitals keeps them)."""
    if not strict:
        return True
    found = _TOKEN_RE.findall(text[start:end])
    return all(i >= len(found) or found[i] == want or found[i].isupper() for i, want in strict)


def _as_date(value: Any) -> date | None:
    if value is None or isinstance(value, date):
        return value
    return date.fromisoformat(str(value))


def _listify(value: Any) -> list[Any]:
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def _ws_back(text: str, pos: int) -> int:
    """The position before the whitespace that ends at ``pos``."""
    while pos > 0 and text[pos - 1].isspace():
        pos -= 1
    return pos


def _is_cap(text: str, i: int) -> bool:
    return i < len(text) and text[i].isupper()


@cache
def _load_yaml(name: str) -> dict[str, Any]:
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    with open(DATA_DIR / name, encoding="utf-8") as fh:
        return yaml.load(fh, Loader=loader)  # noqa: S506 - a safe loader


# --- provinces from underthesea --------------------------------------------------------------------------------------


@dataclass(slots=True)
class Province:
    """A province or centrally-run city, as written in body names."""

    key: str
    short: str
    city: bool
    label: str
    full: str
    forms: list[str]
    valid_from: date | None = None
    valid_to: date | None = None
    successor: str | None = None

    @property
    def unit(self) -> str:
        return "city" if self.city else "province"


def _mapping_path() -> Path | None:
    spec = importlib.util.find_spec("underthesea")
    if spec is None or not spec.submodule_search_locations:
        return None
    path = Path(next(iter(spec.submodule_search_locations))) / "address" / "data" / "mapping.json"
    return path if path.exists() else None


@lru_cache(maxsize=1)
def _address_data() -> dict[str, Any]:
    """underthesea's address data: provinces, the 2025 mapping, old districts and wards."""
    path = _mapping_path()
    if path is None:  # pragma: no cover - underthesea is a dependency
        raise RuntimeError("underthesea address data not found")
    with open(path, encoding="utf-8") as fh:
        return json.load(fh)


_UNIT_PREFIXES = ("thành phố", "thị trấn", "thị xã", "đặc khu", "phường", "huyện", "quận", "tỉnh", "xã")


def _build_provinces(conf: dict[str, Any]) -> dict[str, Province]:
    data = _address_data()
    new_keys = set(data["province_names"])
    mapping = data["province_mapping"]
    overrides = conf.get("provinces") or {}
    out: dict[str, Province] = {}
    infos = dict(data["old_province_names"])
    for key, info in data["province_names"].items():
        infos.setdefault(key, info)
    for key, info in infos.items():
        ov = overrides.get(key) or {}
        short = nfc(info["short"])
        city = _mf(info["name"]).startswith("thành phố")
        prov = Province(
            key=key, short=short, city=city,
            label=ov.get("label", short),
            full=ov.get("full", ("thành phố " if city else "tỉnh ") + short),
            forms=[short, *_listify(ov.get("aka"))],
            valid_from=_as_date(ov.get("valid_from")),
        )
        if key not in new_keys:
            prov.valid_to = date(2025, 6, 30)
            prov.successor = mapping.get(key)
        out[key] = prov
    for key, ov in overrides.items():
        if key in out or "name" not in ov:
            continue
        city = ov.get("unit") == "city"
        short = nfc(ov["name"])
        out[key] = Province(
            key=key, short=short, city=city, label=ov.get("label", short),
            full=ov.get("full", ("thành phố " if city else "tỉnh ") + short),
            forms=[short, *_listify(ov.get("aka"))],
            valid_from=_as_date(ov.get("valid_from")), valid_to=_as_date(ov.get("valid_to")),
            successor=ov.get("successor"),
        )
    return out


def _place_key(name: str) -> str:
    """A light key for place names: lower case, modern tones, single spaces."""
    return " ".join(fold_tones(nfc(name).lower()).split())


@lru_cache(maxsize=1)
def _known_places() -> dict[str, frozenset[str]]:
    """Old districts and old/new wards by unit ("huyện" → {"kỳ anh", …})."""
    raw: set[str] = set()
    for rec in _address_data()["ward_mapping"]:
        raw.update(rec.get(f) or "" for f in ("old_district", "old_ward", "new_ward"))
    found: dict[str, set[str]] = {}
    for full in raw:
        low = full.lower()
        for pre in _UNIT_PREFIXES:
            if low.startswith(pre + " "):
                found.setdefault(pre, set()).add(_place_key(full[len(pre) + 1:]))
                break
    return {unit: frozenset(names) for unit, names in found.items()}


# --- internal records ------------------------------------------------------------------------------------------------


@dataclass(slots=True)
class _Target:
    """What a matched form stands for."""

    name: str
    kind: str = "body"
    cap: bool = False
    not_followed: re.Pattern[str] | None = None


@dataclass(slots=True)
class _Head:
    """A provincial head ("Sở Y tế", "UBND") whose name is completed by a province."""

    hid: int
    template: str
    type: str
    kind: str = "body"
    bare: str = "no"
    unit_required: bool = False
    no_unit: bool = False
    named: bool = False
    cap: bool = False
    only: str | None = None
    valid_from: date | None = None
    valid_to: date | None = None
    successors: list[str] = field(default_factory=list)

    def render(self, prov: Province) -> str:
        party = "Thành ủy" if prov.city else "Tỉnh ủy"
        youth = "Thành đoàn" if prov.city else "Tỉnh đoàn"
        return self.template.format(full=prov.full, label=prov.label, party=party, youth=youth)


@dataclass(slots=True)
class _Cand:
    """A candidate mention before overlaps are resolved."""

    start: int
    end: int
    name: str
    kind: str
    prio: int
    valid: bool = True
    head: _Head | None = None  # a provincial head named without its province …
    pending: bool = False  # … which may take the province of the next head ("Tỉnh ủy, UBND tỉnh X")
    prov: str | None = None


@dataclass(slots=True)
class _Ctx:
    """One call of ``find``: the text, its match form, the document's province and date."""

    text: str
    mf: str
    doc: Province | None
    on: date | None
    _rev: str | None = None

    @property
    def rev(self) -> str:
        """The match form reversed, for matching titles and owners backwards from a position."""
        if self._rev is None:
            self._rev = self.mf[::-1]
        return self._rev


@dataclass(slots=True)
class _Noun:
    cls: str
    alone: bool = False
    follow: bool = False
    owned: bool = False
    cap: bool = False
    named: bool = False  # heads a proper name when a capitalised word follows ("Sở Y tế", "Bộ Quốc phòng")


# --- the gazetteer -------------------------------------------------------------------------------------------------


class Gazetteer:
    """Bodies, offices and collectives named in Vietnamese government text."""

    def __init__(self) -> None:
        central = _load_yaml("bodies_central.yml")
        prov_conf = _load_yaml("bodies_provincial.yml")
        self._bodies: dict[str, Body] = {}
        self._by_key: dict[str, str] = {}
        self._short: dict[str, list[str]] = {}
        self._fixed: dict[str, list[tuple[Strict, _Target]]] = {}
        self._ministry_short: dict[str, str] = {}
        self.provinces = _build_provinces(prov_conf)
        self._load_central(central)
        self._load_offices(_load_yaml("offices.yml"))
        self._load_provincial(prov_conf)
        self._load_local(prov_conf)
        self._link_predecessors()
        self._compile()
        self._compile_collectives(_load_yaml("collectives.yml"))
        self._build_scanner()

    # ----- loading -----

    def _add_body(self, body: Body, index_aliases: bool = True) -> None:
        self._bodies.setdefault(body.name, body)
        self._by_key.setdefault(_key(body.name), body.name)
        for alias in body.aliases if index_aliases else ():
            self._by_key.setdefault(_key(alias), body.name)

    def _add_form(self, form: str, target: _Target) -> None:
        self._fixed.setdefault(_key(form), []).append((_strict(form), target))

    def _load_central(self, conf: dict[str, Any]) -> None:
        cap_heads = ("sở ", "cục ", "vụ ", "báo ", "ban ", "quỹ ", "hội ", "đài ", "trung tâm ", "viện ", "tổng cục ",
                     "tập đoàn ", "hiệp hội ", "liên đoàn ", "tạp chí ", "văn phòng ", "thanh tra ")
        for ent in conf["bodies"]:
            name = nfc(ent["name"])
            body = Body(name=name, type=ent["type"], aliases=[nfc(a) for a in _listify(ent.get("aka"))],
                        valid_from=_as_date(ent.get("from")), valid_to=_as_date(ent.get("to")),
                        successors=[nfc(s) for s in _listify(ent.get("succ"))])
            self._add_body(body)
            nf = None
            if ent.get("not_followed_by"):
                alts = "|".join(_seq_regex(_tokens(w)) for w in ent["not_followed_by"])
                nf = re.compile(rf"\s+(?:{alts})(?!\w)")
            cap = _mf(name).startswith(cap_heads)
            for form in [name, *body.aliases]:
                self._add_form(form, _Target(name, "body", cap=cap, not_followed=nf))
            if ent.get("short"):
                self._short[name] = [nfc(s) for s in _listify(ent["short"])]
            if body.type == "ministry":
                for form in [name, *body.aliases]:
                    toks = _tokens(form)
                    if toks and toks[0] == "bộ" and len(toks) > 1:
                        self._ministry_short.setdefault(" ".join(toks[1:]), name)
        ministries = [b for b in self._bodies.values() if b.type == "ministry"]
        for tpl in conf.get("per_ministry") or []:
            for body in ministries:
                derived = Body(name=tpl.format(ministry=body.name), type="ministry_office",
                               aliases=[tpl.format(ministry=a) for a in body.aliases if a.startswith("Bộ ")],
                               valid_from=body.valid_from, valid_to=body.valid_to,
                               successors=[tpl.format(ministry=s) for s in body.successors])
                self._add_body(derived)
                for form in [derived.name, *derived.aliases]:
                    self._add_form(form, _Target(derived.name, cap=True))
        self._defined_heads = [nfc(h) for h in conf.get("defined_heads") or []]
        self._pattern_types: dict[str, str] = {}  # numbered bodies seen in texts ("Ban Quản lý dự án 7")
        self._patterns = [(re.compile(pat["re"]), [_key(w) for w in pat["first"]], pat["name"], pat["type"],
                           bool(pat.get("upper"))) for pat in conf.get("patterns") or []]

    def _load_offices(self, conf: dict[str, Any]) -> None:
        for ent in conf.get("standalone") or []:
            for form in ent["forms"]:
                self._add_form(form, _Target(nfc(ent["body"]), "office"))
        self._title_forms: dict[str, list[Strict]] = {}
        for title in conf.get("titles") or []:
            self._title_forms.setdefault(_key(title), []).append(_strict(title))

    def _load_provincial(self, conf: dict[str, Any]) -> None:
        self._heads: list[_Head] = []
        self._head_cache: dict[str, _Head | None] = {}
        self._head_forms: dict[str, list[tuple[Strict, _Head, str | None]]] = {}
        self._head_text: dict[str, str] = {}
        for ent in conf["heads"]:
            head = self._new_head(ent)
            for form in ent["forms"]:
                unit = form.get("unit") if isinstance(form, dict) else None
                text = form["form"] if isinstance(form, dict) else form
                self._head_forms.setdefault(_key(text), []).append((_strict(text), head, unit))
                self._head_text.setdefault(_key(text), nfc(text))
        for dept in conf["departments"]:
            ent = {"name": f"Sở {dept['name']} {{full}}", "type": "department", "bare": "yes", "cap": True,
                   "valid_from": dept.get("valid_from"), "valid_to": dept.get("valid_to"),
                   "successors": [f"Sở {s}" for s in _listify(dept.get("successors"))]}
            head = self._new_head(ent)
            for text in [dept["name"], *_listify(dept.get("aka"))]:
                form = f"Sở {text}"
                self._head_forms.setdefault(_key(form), []).append((_strict(form), head, None))
                self._head_text.setdefault(_key(form), nfc(form))
        self._units = {k: "province" for k in map(_key, conf["units"]["province"])}
        self._units.update({k: "city" for k in map(_key, conf["units"]["city"])})
        self._generated: dict[tuple[int, str], str] = {}
        self._head_aliases: dict[int, list[str]] = {}
        for key, entries in self._head_forms.items():
            for _strict_toks, head, _unit in entries:
                if key != _key(head.template.split(" {")[0]):
                    self._head_aliases.setdefault(head.hid, []).append(self._head_text[key])
        for head in self._heads:
            for prov in self.provinces.values():
                if not head.only or prov.unit == head.only:
                    self._generated[(head.hid, prov.key)] = fold_tones(head.render(prov))
        for head in self._heads:
            if head.kind != "body":
                continue
            for prov in self.provinces.values():
                name = self._generated.get((head.hid, prov.key))
                if name is not None:
                    self._add_body(self._provincial_body(head, prov, name), index_aliases=False)

    def _new_head(self, ent: dict[str, Any]) -> _Head:
        bare = ent.get("bare", "no")
        bare = {True: "yes", False: "no"}.get(bare, bare)
        head = _Head(hid=len(self._heads), template=nfc(ent["name"]), type=ent["type"], kind=ent.get("kind", "body"),
                     bare=str(bare), unit_required=bool(ent.get("unit_required")), no_unit=bool(ent.get("no_unit")),
                     named=bool(ent.get("named")), cap=bool(ent.get("cap")), only=ent.get("only"),
                     valid_from=_as_date(ent.get("valid_from")), valid_to=_as_date(ent.get("valid_to")),
                     successors=[nfc(s) for s in _listify(ent.get("successors"))])
        self._heads.append(head)
        return head

    def _head_named(self, prefix: str) -> _Head | None:
        """The provincial head whose name starts with ``prefix`` ("Sở Tài chính" → "Sở Tài chính {full}")."""
        if prefix not in self._head_cache:
            found = [h for h in self._heads if h.kind == "body" and h.template.startswith(prefix + " {")]
            self._head_cache[prefix] = found[0] if found else None
        return self._head_cache[prefix]

    def _provincial_body(self, head: _Head, prov: Province, name: str) -> Body:
        """A generated entry; it ends with its head (a Sở merged in 2025) or its province (merged 1 July 2025)."""
        successors: list[str] = []
        valid_to = None
        if head.valid_to and (prov.valid_to is None or head.valid_to <= prov.valid_to):
            valid_to = head.valid_to
            for succ in head.successors:
                other = self._head_named(succ)
                if other is not None and (other.hid, prov.key) in self._generated:
                    successors.append(self._generated[(other.hid, prov.key)])
        elif prov.valid_to:
            valid_to = prov.valid_to
            if prov.successor and (head.hid, prov.successor) in self._generated:
                successors.append(self._generated[(head.hid, prov.successor)])
        froms = [d for d in (head.valid_from, prov.valid_from) if d]
        aliases = [f"{form} {prov.full}" for form in self._head_aliases.get(head.hid, [])[:6]]
        return Body(name=name, type=head.type, aliases=aliases, valid_from=max(froms) if froms else None,
                    valid_to=valid_to, successors=successors)

    def _load_local(self, conf: dict[str, Any]) -> None:
        local = conf["local"]
        self._local_units = {_key(k): v for k, v in local["units"].items()}
        self._list_units = {**self._local_units, "tỉnh": "tỉnh"}
        self._local_heads: dict[str, tuple[str, str, str, bool]] = {}
        for ent in local["heads"]:
            for form in ent["forms"]:
                self._local_heads[_key(form)] = (ent["name"], ent["type"], ent.get("kind", "body"), bool(ent.get("cap")))
        self._local_party = {_key(k): v for k, v in local["party"].items()}
        self._stop_words = {_key(w) for w in local["stop_words"]}
        self._surnames = {_key(w) for w in local["surnames"]}
        self._max_words = int(local.get("max_words", 4))

    def _link_predecessors(self) -> None:
        for body in self._bodies.values():
            for succ in body.successors:
                target = self._bodies.get(succ)
                if target is not None and body.name not in target.predecessors:
                    target.predecessors.append(body.name)

    # ----- compiling -----

    def _compile(self) -> None:
        self._fixed_re = _by_first([k.split() for k in self._fixed], lambda trie: rf"(?:{trie})(?!\w)")
        self._prov_keys: dict[str, list[str]] = {}
        for prov in self.provinces.values():
            for form in prov.forms:
                self._prov_keys.setdefault(_key(form), []).append(prov.key)
        provs = self._prov_trie = _trie_regex(k.split() for k in self._prov_keys)
        unit = r"(?:(?P<u>tỉnh|thành\s+phố)\s+|(?P<u2>tp)\s*\.?\s*)?"
        heads = _trie_regex(k.split() for k in self._head_forms)
        self._prov_re = re.compile(
            rf"(?P<h>{heads})(?:\s+{unit}(?P<p>{provs})(?!\w)|\s+(?P<bu>tỉnh|thành\s+phố|tp(?!\w)\.?)(?!\w)|(?!\w))")
        self._prov_cont_re = re.compile(rf"(?:\s*,\s*|\s+và\s+)(?P<item>{unit}(?P<p>{provs}))(?!\w)")
        self._place_re = re.compile(rf"(?<!\w)(?:(?P<u>tỉnh|thành\s+phố)\s+|(?P<u2>tp)\s*\.?\s*)?(?P<p>{provs})(?!\w)")
        name = r"[\w'’]+(?:(?:\s*-\s*|\s+)[\w'’]+){0,6}"
        self._name_re = re.compile(name)
        lheads = _trie_regex(k.split() for k in self._local_heads)
        lunits = _trie_regex(k.split() for k in self._local_units)
        self._local_re = re.compile(rf"(?P<h>{lheads})\s+(?P<u>{lunits})(?:\s*\.\s*|\s+)(?=[\w'’])")
        self._party_re = re.compile(rf"(?P<h>{_trie_regex(k.split() for k in self._local_party)})\s+(?=[\w'’])")
        titles = _trie_regex(k.split() for k in self._title_forms)
        self._title_rev = _rev_regex([k.split() for k in self._title_forms])
        self._connector_re = re.compile(rf"(?:\s*,\s*(?:và\s+)?|\s+và\s+)(?:(?:{titles})(?:\s*,\s*(?:{titles}))*\s+)?")
        # Distributive lists: "UBND các tỉnh: A, B", "các huyện X, Y và thị xã Z", "các Bộ: Tài chính, Công an".
        # The owner ("UBND") and the title ("Chủ tịch") are found backwards from "các".
        self._list_owner_rev = _rev_regex([*(k.split() for k in self._head_forms), *(k.split() for k in self._local_heads)])
        units = _trie_regex(k.split() for k in self._list_units)
        self._list_re = re.compile(rf"các\s+(?P<units>(?:{units})(?:\s*,\s*(?:{units}))*)(?!\w)\s*:?\s*")
        self._item_unit_re = re.compile(rf"(?:các\s+)?(?P<u>{units})(?:\s*\.\s*|\s+)")
        self._item_prov_re = re.compile(rf"(?P<p>{provs})(?!\w)")
        self._item_sep_re = re.compile(r"\s*[,;]\s*(?:và\s+)?|\s+và\s+")
        self._min_list_re = re.compile(
            r"(?P<lead>(?:các\s+)?bộ\s+trưởng\s+(?:các\s+)?bộ|các\s+bộ\s+trưởng|(?:lãnh\s+đạo|thủ\s+trưởng)\s+các\s+bộ"
            r"|các\s+bộ)\s*:?\s*")
        self._min_item_re = re.compile(rf"(?P<m>{_trie_regex(k.split() for k in self._ministry_short)})(?!\w)")
        self._defn_re = re.compile(
            r"\(\s*(?:sau\s+đây\s+)?(?:được\s+)?(?:gọi\s+tắt\s+là|gọi\s+chung\s+là|gọi\s+là|viết\s+tắt\s+là|viết\s+tắt|"
            r"gọi\s+tắt)\s*:?\s*[\"'“‘]?(?P<x>[^()\"'“”‘’\n;]{1,80}?)[\"'”’]?\s*\)")
        self._paren_re = re.compile(r"\s*\(\s*(?P<x>[^()\n;:]{1,60}?)\s*\)")
        self._defined_head_re = re.compile(
            r"(?:" + "|".join(_seq_regex(_tokens(h)) for h in sorted(self._defined_heads, key=len, reverse=True)) + r")(?!\w)")
        self._short_stop = re.compile(
            r"\s+(?:của|tại|ở|thuộc|các|cấp|liên\s+ngành|giúp\s+việc|tỉnh|huyện|xã|thành\s+phố|trung\s+ương|quốc\s+gia"
            r"|về|cải\s+cách|đặc\s+biệt|số\s+\d)(?!\w)")

    def _compile_collectives(self, conf: dict[str, Any]) -> None:
        self._markers = conf["markers"]
        named = {_key(n) for n in conf.get("named_heads") or []}
        self._nouns: dict[str, _Noun] = {}
        for cls, items in conf["nouns"].items():
            for item in items:
                spec = item if isinstance(item, dict) else {"noun": item}
                key = _key(spec["noun"])
                self._nouns[key] = _Noun(
                    cls=cls, alone=bool(spec.get("alone")), follow=bool(spec.get("follow")),
                    owned=bool(spec.get("owned")), cap=bool(spec.get("cap")), named=key in named)
        nfb = {_key(k): v for k, v in (conf.get("not_followed_by") or {}).items()}
        ends = {tuple(k.split()): r"(?!\w)" for k in self._nouns}
        for key, words in nfb.items():
            ends[tuple(key.split())] = r"(?!\w)(?!\s*(?:" + "|".join(_seq_regex(_tokens(w)) for w in words) + r")(?!\w))"
        noun = "(?:" + _trie_regex((k.split() for k in self._nouns), ends) + ")"
        self._noun_re = re.compile(noun)
        dets = _trie_regex(_tokens(d) for d in conf["determiners"])
        seps = r"(?:\s*[,/]\s*|\s+và\s+|\s+hoặc\s+)"
        mods = _trie_regex(_tokens(m) for m in conf["modifiers"])
        # The core (determiner and nouns) is matched forwards; leaders and owners backwards from it.
        single = "(?:" + _trie_regex((k.split() for k, n in self._nouns.items() if n.alone or n.owned), ends) + ")"
        more = rf"(?:{seps}(?:(?:{dets})\s+)?{noun})"
        # A determiner, or several nouns, or one noun that can stand alone ("cấp huyện"): "tỉnh" alone is no collective.
        self._coll_re = re.compile(
            rf"(?:(?P<det>{dets})\s+(?P<list>{noun}{more}*)|(?P<list2>{noun}{more}+)|(?P<list3>{single}))"
            rf"(?P<mods>(?:\s+(?:{mods})(?!\w))*)")
        self._coll_owner_rev = _rev_regex([*(_tokens(o) for o in conf["owners"]), *(k.split() for k in self._head_forms)])
        self._coll_lead_rev = _rev_regex([_tokens(t) for t in conf["leaders"]], chain=True)
        self._owner_keys = {_key(o) for o in conf["owners"]}
        sheads = _trie_regex(_tokens(h) for h in conf["sector_heads"])
        sectors = _trie_regex(_tokens(s) for s in conf["sectors"])
        self._sector_re = re.compile(rf"(?:{sheads})\s+(?:{sectors})(?:{seps}(?:{sectors}))*(?!\w)")
        self._coll_fixed: dict[str, str] = {}
        alts = []
        for marker, phrases in (conf.get("fixed") or {}).items():
            for item in phrases:
                spec = item if isinstance(item, dict) else {"phrase": item}
                key = _key(spec["phrase"])
                self._coll_fixed[key] = marker
                alt = _seq_regex(key.split())
                if spec.get("then"):
                    alt += r"(?=\s*,\s*(?:" + "|".join(_seq_regex(_tokens(t)) for t in spec["then"]) + r")(?!\w))"
                alts.append((len(key), alt))
        self._coll_fixed_re = re.compile("(?:" + "|".join(a for _n, a in sorted(alts, reverse=True)) + r")(?!\w)")
        self._coll_triggers = {t.split()[0] for t in [*self._nouns, *(_key(x) for x in conf["determiners"])]}
        self._sector_triggers = {_key(h).split()[0] for h in conf["sector_heads"]}

    def _build_scanner(self) -> None:
        """Which regexes to try at a word, by the word: anchored matches only where a name can start."""
        families: list[tuple[re.Pattern[str] | dict[str, re.Pattern[str]], Handler, set[str]]] = [
            (self._fixed_re, self._at_fixed, {k.split()[0] for k in self._fixed}),
            (self._prov_re, self._at_provincial, {k.split()[0] for k in self._head_forms}),
            (self._local_re, self._at_local, {k.split()[0] for k in self._local_heads}),
            (self._party_re, self._at_party, {k.split()[0] for k in self._local_party}),
            (self._list_re, self._at_list, {"các"}),
            (self._min_list_re, self._at_ministry_list, {"các", "bộ", "lãnh", "thủ"}),
            (self._coll_re, self._at_collective, self._coll_triggers),
            (self._sector_re, self._at_sector, self._sector_triggers),
            (self._coll_fixed_re, self._at_coll_fixed, {k.split()[0] for k in self._coll_fixed}),
        ]
        for i, (rx, first, *_rest) in enumerate(self._patterns):
            families.append((rx, self._pattern_handler(i), set(first)))
        self._family_res = [rx if isinstance(rx, dict) else dict.fromkeys(words, rx) for rx, _h, words in families]
        self._handlers = [h for _rx, h, _t in families]
        triggers: dict[str, list[int]] = {}
        for i, (_rx, _h, words) in enumerate(families):
            for word in words:
                triggers.setdefault(word, []).append(i)
        self._triggers = {w: tuple(ix) for w, ix in triggers.items()}

    # ----- public API -----

    @classmethod
    def default(cls) -> Gazetteer:
        """The gazetteer of the package data, built once per process."""
        return _default()

    def bodies(self) -> list[Body]:
        """Every entry: central bodies, and provincial bodies for every province."""
        return list(self._bodies.values())

    def lookup(self, name: str) -> Body | None:
        """The entry for a canonical name, alias or abbreviation (also "UBND tỉnh X", "UBND huyện Y")."""
        if not name or name.startswith("*"):
            return None
        hit = self._by_key.get(_key(name))
        if hit:
            return self._bodies[hit]
        text = nfc(name).strip()
        mentions = [m for m in self.find(text) if m.kind != "collective"]
        if len(mentions) == 1 and mentions[0].start == 0 and mentions[0].end == len(text):
            found = mentions[0].name
            return self._bodies.get(found) or Body(name=found, type=self._pattern_types.get(found, "local_body"))
        return None

    def canonical(self, name: str, on: date | None = None) -> str | None:
        """The canonical name of a body, or of its successor in force on ``on``."""
        body = self.lookup(name)
        return self._at(body.name, on) if body else None

    def successors(self, name: str) -> list[str]:
        body = self.lookup(name)
        return list(body.successors) if body else []

    def predecessors(self, name: str) -> list[str]:
        body = self.lookup(name)
        return list(body.predecessors) if body else []

    def province(self, name: str | None) -> Province | None:
        """A province by any of its names ("Ninh Thuận", "tỉnh Ninh Thuận", "TP.HCM")."""
        if not name:
            return None
        key = _key(name)
        for pre in ("tỉnh ", "thành phố ", "tp . ", "tp "):
            if key.startswith(pre) and key[len(pre):] in self._prov_keys:
                key = key[len(pre):]
                break
        keys = self._prov_keys.get(key)
        return self.provinces[keys[0]] if keys else None

    def find(self, text: str, *, on: date | None = None, province: str | None = None) -> list[BodyMention]:
        """Non-overlapping mentions of bodies, offices and collectives, sorted by start; longest match wins.

        ``on`` is the document's date: a body that had ended by then is named by its
        successor (unless the text says "(cũ)"). ``province`` is the document's province:
        provincial bodies named without one ("Sở Y tế", "UBND tỉnh") take it.
        """
        mf = match_form(text)
        doc = self.province(province)
        ctx = _Ctx(text, mf, doc, on)
        cands = self._share_provinces(mf, self._scan(ctx), doc)
        chosen = self._resolve(cands)
        chosen = self._short_forms(text, mf, chosen, doc)
        chosen = self._extend_titles(ctx, chosen)
        out = []
        for c in chosen:
            name = c.name
            if not name.startswith("*") and not _OLD_RE.match(mf, c.end):
                name = self._at(name, on)
            out.append(BodyMention(start=c.start, end=c.end, text=text[c.start:c.end], name=name, kind=c.kind))
        return out

    def find_places(self, text: str, *, on: date | None = None, province: str | None = None,
                    mentions: list[BodyMention] | None = None) -> list[BodyMention]:
        """Provinces and districts named as places ("tỉnh Thái Bình", "Hà Nội", "thị xã Kỳ Anh").

        Not bodies by themselves; a caller may take one as its people's committee when it
        acts (EXTRACTION.md 9.3). ``name`` is that committee, ``kind`` is "place".
        Places inside a body's name are left out; ``mentions`` are the text's bodies when the caller
        has them already (``find`` with the same arguments), which saves finding them again.
        """
        mf = match_form(text)
        if mentions is None:
            mentions = self.find(text, on=on, province=province)
        taken = bytearray(len(mf) + 1)  # one byte per character named already: a long text costs no more per check
        for m in mentions:
            taken[m.start:m.end] = b"\x01" * (m.end - m.start)
        ubnd = self._head_named("Ủy ban nhân dân")
        out: list[BodyMention] = []

        def free(s: int, e: int) -> bool:
            return taken.find(1, s, e) == -1

        for m in self._place_re.finditer(mf):
            s, e = m.span()
            if not _is_cap(text, m.start("p")) or not free(s, e) or self._next_is_capitalised(text, e):
                continue
            prov = self._pick_province(m.group("p"), self._unit_of(m))
            if prov is None or ubnd is None:
                continue
            name = self._at(self._generated[(ubnd.hid, prov.key)], on)
            out.append(BodyMention(start=s, end=e, text=text[s:e], name=name, kind="place"))
            taken[s:e] = b"\x01" * (e - s)
        for m in re.finditer(r"(?<!\w)(?P<u>huyện|thị\s+xã|quận|thành\s+phố)\s+", mf):
            unit = self._local_units.get(_key(m.group("u")))
            got = self._place_name(text, m.end(), unit)
            if not unit or not got or not free(m.start(), got[0]):
                continue
            if unit == "thành phố" and self.province(got[1]) is not None:
                continue
            out.append(BodyMention(start=m.start(), end=got[0], text=text[m.start():got[0]],
                                   name=f"Ủy ban nhân dân {unit} {got[1]}", kind="place"))
        out.sort(key=lambda x: x.start)
        return out

    def infer_province(self, text: str) -> str | None:
        """The province a document belongs to (its issuer's or its outlet's), else None.

        An official document says it in its header ("ỦY BAN NHÂN DÂN / TỈNH NINH THUẬN"); a
        central issuer (THỦ TƯỚNG CHÍNH PHỦ, BỘ …) means no province. A provincial paper
        names itself ("BÁO HÀ TĨNH", "(Baohatinh.vn)"). Otherwise a text that speaks of
        "UBND tỉnh" or "toàn tỉnh" without naming one belongs to the province it names most.
        """
        lines = [ln.strip() for ln in text[:700].splitlines() if ln.strip()][:12]
        for ln in lines[:4]:
            m = re.match(r"(?:báo|đài\s+phát\s+thanh\s+và\s+truyền\s+hình)\s+(.+)$", _mf(ln))
            if m and (prov := self.province(m.group(1).strip(" .-"))):
                return prov.short
        issuer = self._issuer_block(lines)
        if issuer:
            found = self._header_province(issuer)
            if found:
                return found
            first = [m for m in self.find(issuer) if m.kind != "collective"]
            if first and first[0].start < 5:
                return None
        outlets = {_ascii(p.short): p for p in self.provinces.values()}
        for m in re.finditer(r"\bbao([a-z]+)\.(?:vn|com)", text[:1500].lower()):
            if m.group(1) in outlets:
                return outlets[m.group(1)].short
        return self._dominant_province(text)

    # ----- date resolution -----

    def _at(self, name: str, on: date | None) -> str:
        """The name in force on ``on``: follow the primary successor while the body had ended."""
        if on is None:
            return name
        seen = set()
        body = self._bodies.get(name)
        while body is not None and body.valid_to and on > body.valid_to and body.successors and body.name not in seen:
            seen.add(body.name)
            name = body.successors[0]
            body = self._bodies.get(name)
        return name

    def _valid_on(self, name: str, on: date | None) -> bool:
        body = self._bodies.get(name)
        if on is None or body is None:
            return True
        return (body.valid_from is None or body.valid_from <= on) and (body.valid_to is None or on <= body.valid_to)

    # ----- scanning -----

    def _scan(self, ctx: _Ctx) -> list[_Cand]:
        """Try each family's anchored regex at the words that can start it; a family resumes after its match."""
        mf = ctx.mf
        cands: list[_Cand] = []
        resume = [0] * len(self._handlers)
        triggers, regexes, handlers = self._triggers, self._family_res, self._handlers
        for w in _WORD_SCAN.finditer(mf):
            word = w.group()
            fams = triggers.get(word)
            if fams is None:
                continue
            p = w.start()
            for i in fams:
                if p < resume[i]:
                    continue
                m = regexes[i][word].match(mf, p)
                if m is None:
                    continue
                got = handlers[i](ctx, m)
                if got:
                    cands.extend(got[0])
                    resume[i] = got[1]
        return cands

    @staticmethod
    def _doc_number(text: str, start: int, end: int) -> bool:
        """Inside a document number ("QĐ-BCT", "123/UBND-KT"): not a mention."""
        if _DOCNUM_BEFORE.search(text[max(0, start - 3):start]):
            return True
        return bool(_DOCNUM_AFTER.match(text, end)) and text[start:end].isupper()

    def _at_fixed(self, ctx: _Ctx, m: re.Match[str]):
        text, mf, on = ctx.text, ctx.mf, ctx.on
        s, e = m.span()
        for strict, target in self._fixed.get(_mkey(m.group(0)), []):
            if not _case_ok(text, s, e, strict) or target.cap and not _is_cap(text, s):
                continue
            if target.not_followed is not None and target.not_followed.match(mf, e):
                continue
            if self._doc_number(text, s, e) or self._provincial_unit_follows(mf, m.group(0), e):
                continue
            return [_Cand(s, e, target.name, target.kind, _PRIO_FIXED, self._valid_on(target.name, on))], e
        return None

    def _provincial_unit_follows(self, mf: str, form: str, end: int) -> bool:
        """"Cục Thuế tỉnh" is the provincial Cục Thuế, not the central one, even when the province is unknown."""
        return bool(_UNIT_AFTER.match(mf, end)) and _mkey(form) in self._head_forms

    def _pattern_handler(self, i: int) -> Handler:
        rx, _first, tpl, type_, upper = self._patterns[i]

        def match(ctx: _Ctx, m: re.Match[str]):
            text = ctx.text
            if not _is_cap(text, m.start()):
                return None
            group = text[m.start(1):m.end(1)]
            name = tpl.replace("{1}", group.upper() if upper else group)
            self._pattern_types.setdefault(name, type_)
            return [_Cand(m.start(), m.end(), name, "body", _PRIO_PATTERN)], m.end()

        return match

    def _unit_of(self, m: re.Match[str]) -> str | None:
        u = m.group("u") or m.group("u2")
        return self._units.get(_mkey(u)) if u else None

    def _pick_province(self, form: str, unit: str | None) -> Province | None:
        """The province a matched form (already in match form) names; ``unit`` picks tỉnh or thành phố."""
        provs = [self.provinces[k] for k in self._prov_keys.get(_mkey(form)) or []]
        if unit:
            provs = [p for p in provs if p.unit == unit]
        return provs[0] if provs else None

    def _at_provincial(self, ctx: _Ctx, m: re.Match[str]):
        text, mf, doc, on = ctx.text, ctx.mf, ctx.doc, ctx.on
        got = self._accept_provincial(text, mf, m, doc)
        if got is None:
            return None
        head, prov, pending = got
        if pending and head.kind == "body" and (det := _PLURAL_BEFORE.search(mf, max(0, m.start() - 12), m.start())):
            # "các Sở Y tế", "Giám đốc Công an các tỉnh": one kind of department in every province
            return [_Cand(det.start(), m.end(), self._markers["localities"], "collective", _PRIO_PROV)], m.end()
        name = self._generated[(head.hid, prov.key)] if prov else ""
        out = [_Cand(m.start(), m.end(), name, head.kind, _PRIO_PROV, self._valid_on(name, on), head, pending,
                     prov.key if prov else None)]
        end = m.end()
        if m.group("p"):
            end = self._continue_provinces(text, mf, head, end, out, on)
        return out, end

    def _accept_provincial(self, text: str, mf: str, m: re.Match[str], doc: Province | None
                           ) -> tuple[_Head, Province | None, bool] | None:
        """The head and province of a match; a head without province is pending (it may share the next one's)."""
        hs, he = m.span("h")
        if self._doc_number(text, hs, he):
            return None
        for strict, head, form_unit in self._head_forms.get(_mkey(m.group("h")), []):
            if not _case_ok(text, hs, he, strict):
                continue
            if m.group("p"):
                unit = self._unit_of(m)
                prov = self._pick_province(m.group("p"), unit)
                if prov is None or not _is_cap(text, m.start("p")) or head.cap and not _is_cap(text, hs):
                    continue
                if head.unit_required and not unit or head.only and prov.unit != head.only:
                    continue
                return head, prov, False
            if head.kind == "body" and not _is_cap(text, hs) or head.unit_required and not m.group("bu"):
                continue
            if m.group("bu"):
                unit = self._units.get(_mkey(m.group("bu")))
                if head.no_unit or doc is not None and unit != doc.unit:
                    continue
                return head, doc, True
            if head.named and self._next_is_capitalised(text, m.end()):
                continue
            if mf[max(0, hs - 3):hs] == "cơ ":
                continue
            ok_alone = head.bare == "yes" and (doc is None or not form_unit or form_unit == doc.unit)
            if doc is not None and head.only and doc.unit != head.only:
                ok_alone = False
            return head, doc if ok_alone else None, True
        return None

    @staticmethod
    def _next_is_capitalised(text: str, end: int) -> bool:
        """Whether the next word (after spaces or a line break) starts with a capital."""
        m = _NEXT_WORD.match(text, end)
        return bool(m) and m.group(1).isupper()

    def _continue_provinces(self, text: str, mf: str, head: _Head, pos: int, out: list[_Cand], on: date | None) -> int:
        """"UBND tỉnh Quảng Trị, Thừa Thiên Huế": later provinces share the head."""
        while True:
            m = self._prov_cont_re.match(mf, pos)
            if m is None or not _is_cap(text, m.start("p")):
                return pos
            prov = self._pick_province(m.group("p"), self._unit_of(m))
            if prov is None or (head.hid, prov.key) not in self._generated:
                return pos
            name = self._generated[(head.hid, prov.key)]
            out.append(_Cand(m.start("item"), m.end(), name, head.kind, _PRIO_PROV, self._valid_on(name, on), head,
                             False, prov.key))
            pos = m.end()

    def _share_provinces(self, mf: str, cands: list[_Cand], doc: Province | None) -> list[_Cand]:
        """"Ban Thường vụ Tỉnh ủy, lãnh đạo UBND tỉnh Quảng Ngãi": a head without a province takes the next one's."""
        prov_cands = sorted((c for c in cands if c.head is not None), key=lambda c: c.start)
        out = [c for c in cands if c.head is None]
        nxt: _Cand | None = None
        kept: list[_Cand] = []
        for c in reversed(prov_cands):
            if c.pending:
                shares = nxt is not None and not nxt.pending and nxt.prov and c.head is not None
                if shares and self._connector_re.fullmatch(mf, c.end, nxt.start) and (c.head.hid, nxt.prov) in self._generated:
                    c.name, c.pending, c.prov = self._generated[(c.head.hid, nxt.prov)], False, nxt.prov
                if c.pending and c.name:
                    c.pending = False
                if c.pending:
                    continue
            kept.append(c)
            nxt = c
        return out + kept

    def _place_name(self, text: str, start: int, unit: str | None) -> tuple[int, str] | None:
        """The capitalised proper name at ``start`` (end offset, name), known names first."""
        m = self._name_re.match(text, start)
        if m is None:
            return None
        words: list[tuple[int, int]] = []
        for w in _WORD_RE.finditer(text, start, m.end()):
            gap = text[words[-1][1]:w.start()] if words else ""
            if words and not _NAME_GAP.fullmatch(gap):
                break
            words.append(w.span())
        if not words:
            return None
        first = text[words[0][0]:words[0][1]]
        if first.isdigit():
            return words[0][1], first
        known = _known_places().get(unit or "", frozenset())
        for n in range(min(len(words), self._max_words + 1), 0, -1):
            cand = text[words[0][0]:words[n - 1][1]]
            if all(text[a].isupper() for a, _ in words[:n]) and _place_key(cand) in known:
                return words[n - 1][1], fold_tones(_SPACE_RE.sub(" ", cand))
        taken = 0
        for i, (a, b) in enumerate(words[: self._max_words]):
            word = text[a:b]
            k = _key(word)
            if not word[:1].isupper() or word.isupper() and len(word) > 1 or k in self._stop_words:
                break
            if i and k in self._surnames:
                break
            taken = i + 1
        if not taken:
            return None
        return words[taken - 1][1], fold_tones(_SPACE_RE.sub(" ", text[words[0][0]:words[taken - 1][1]]))

    def _at_local(self, ctx: _Ctx, m: re.Match[str]):
        text = ctx.text
        p = m.start()
        tpl, _type, kind, cap = self._local_heads[_mkey(m.group("h"))]
        unit = self._local_units.get(_mkey(m.group("u")))
        if cap and not _is_cap(text, p) or unit is None:
            return None
        got = self._place_name(text, m.end(), unit)
        if got is None:
            return None
        prov = self.province(got[1])
        if prov is not None and (unit == "thành phố") == prov.city:
            return None
        return [_Cand(p, got[0], tpl.format(unit=unit, place=got[1]), kind, _PRIO_LOCAL)], got[0]

    def _at_party(self, ctx: _Ctx, m: re.Match[str]):
        text = ctx.text
        p = m.start()
        if not _is_cap(text, p):
            return None
        got = self._place_name(text, m.end(), None)
        if got is None or self.province(got[1]) is not None:
            return None
        return [_Cand(p, got[0], f"{self._local_party[_mkey(m.group('h'))]} {got[1]}", "body", _PRIO_LOCAL)], got[0]

    def _at_ministry_list(self, ctx: _Ctx, m: re.Match[str]):
        text, mf, on = ctx.text, ctx.mf, ctx.on
        kind = "office" if "trưởng" in m.group("lead") else "body"
        out: list[_Cand] = []
        pos = m.end()
        while True:
            start = m.start() if not out else pos
            if out:
                sep = self._item_sep_re.match(mf, pos)
                if sep is None:
                    break
                pos = start = sep.end()
            item = self._min_item_re.match(mf, pos)
            if item is None or not _is_cap(text, pos):
                break
            name = self._ministry_short[_mkey(item.group("m"))]
            out.append(_Cand(start, item.end(), name, kind, _PRIO_LIST, self._valid_on(name, on)))
            pos = item.end()
        return (out, out[-1].end) if out else None

    def _at_list(self, ctx: _Ctx, m: re.Match[str]):
        """Items of "(Chủ tịch) (UBND) các tỉnh, thành phố: A, B và C" → one mention per item."""
        text, mf, on = ctx.text, ctx.mf, ctx.on
        units = [self._list_units[_mkey(u)] for u in re.split(r"\s*,\s*", m.group("units"))]
        first_start = owner_s = self._prefix_start(ctx, m.start(), self._list_owner_rev)
        owner = _mkey(mf[owner_s:_ws_back(mf, m.start())]) if owner_s is not None else None
        lead_s = self._prefix_start(ctx, m.start() if owner_s is None else owner_s, self._title_rev)
        if lead_s is not None:
            first_start = lead_s
        prov_head = self._head_forms[owner][0][1] if owner in self._head_forms else None
        if prov_head is not None and prov_head.kind != "body":
            prov_head = None
        local = self._local_heads.get(owner) if owner else None
        ubnd = self._head_named("Ủy ban nhân dân")
        kind = "office" if lead_s is not None else "body"
        out: list[_Cand] = []
        pos, cur = m.end(), units[0]
        while True:
            start = (m.start() if first_start is None else first_start) if not out else pos
            if out:
                sep = self._item_sep_re.match(mf, pos)
                if sep is None:
                    break
                pos = start = sep.end()
                um = self._item_unit_re.match(mf, pos)
                if um:
                    cur, pos = self._list_units[_mkey(um.group("u"))], um.end()
                    units = [cur]
            if not _is_cap(text, pos):
                break
            cand = None
            pm = self._item_prov_re.match(mf, pos)
            head = prov_head or ubnd
            if cur in ("tỉnh", "thành phố") and pm and head is not None:
                prov = self._pick_province(pm.group("p"), None)
                if prov is not None and (head.hid, prov.key) in self._generated:
                    name = self._generated[(head.hid, prov.key)]
                    cand = _Cand(start, pm.end(), name, kind, _PRIO_LIST, self._valid_on(name, on))
            elif cur != "tỉnh" and (owner is None or local is not None):
                unit = self._unit_for_name(text, pos, units)
                got = self._place_name(text, pos, unit)
                if got is not None and unit is not None:
                    tpl = local[0] if local else "Ủy ban nhân dân {unit} {place}"
                    cand = _Cand(start, got[0], tpl.format(unit=unit, place=got[1]), kind, _PRIO_LIST)
            if cand is None:
                break
            out.append(cand)
            pos = cand.end
        return (out, out[-1].end) if out else None

    def _unit_for_name(self, text: str, pos: int, units: list[str]) -> str | None:
        """Which of the listed units a name is known under ("các huyện, thị xã: A, B")."""
        units = [u for u in units if u != "tỉnh"]
        for unit in units:
            got = self._place_name(text, pos, unit)
            if got and _place_key(got[1]) in _known_places().get(unit, frozenset()):
                return unit
        return units[0] if units else None

    def _at_collective(self, ctx: _Ctx, m: re.Match[str]):
        runs = self._collective_runs(ctx, m)
        if runs and runs[0] is _SKIP:
            return [], m.end()
        return (runs, m.end()) if runs else None

    def _at_sector(self, ctx: _Ctx, m: re.Match[str]):
        p = m.start()
        return [_Cand(p, m.end(), self._markers["agencies"], "collective", _PRIO_COLL)], m.end()

    def _at_coll_fixed(self, ctx: _Ctx, m: re.Match[str]):
        p = m.start()
        marker = self._coll_fixed[_mkey(m.group(0))]
        return [_Cand(p, m.end(), marker, "collective", _PRIO_COLL)], m.end()

    @staticmethod
    def _prefix_start(ctx: _Ctx, pos: int, rx_rev: re.Pattern[str]) -> int | None:
        """The start of the longest phrase (``rx_rev`` matches it reversed) ending right before ``pos``."""
        mf = ctx.mf
        end = _ws_back(mf, pos)
        if end == pos or end == 0:
            return None
        m = rx_rev.match(ctx.rev, len(mf) - end)
        return len(mf) - m.end() if m else None

    def _collective_runs(self, ctx: _Ctx, m: re.Match[str]) -> list[_Cand]:
        """The phrase's mentions, one per run of nouns of one class; [] when the phrase is not a collective.

        Leaders ("Thủ trưởng") and owners ("Ủy ban nhân dân", "Sở Tư pháp") before the core are
        found backwards from it.
        """
        text, mf = ctx.text, ctx.mf
        det = m.group("det")
        ls, le = m.span("list" if det else "list2" if m.group("list2") else "list3")
        nouns = [(n.start(), n.end(), self._nouns[_mkey(n.group(0))]) for n in self._noun_re.finditer(mf, ls, le)]
        if not nouns:
            return []
        cut = next((i for i, (_s, e, n) in enumerate(nouns) if n.named and self._next_is_capitalised(text, e)
                    and not _TRUNG_UONG.match(mf, e)), None)
        list_end = m.end()
        if cut is not None:  # "… cấp tỉnh, Sở Y tế": a noun before a proper name heads that name
            nouns = nouns[:cut]
            if not nouns:
                return []
            list_end = nouns[-1][1]
            several = len(nouns) > 1
            if not det and not several and not (nouns[0][2].alone or nouns[0][2].owned):
                return []
        first = nouns[0][2]
        if first.follow or any(n.cap and not _is_cap(text, s) for s, _e, n in nouns):
            return []
        start = m.start()
        owner_s = self._prefix_start(ctx, start, self._coll_owner_rev)
        if owner_s is not None:
            owner = _mkey(mf[owner_s:_ws_back(mf, start)])
            if first.cls != "localities" or owner not in self._owner_keys and not det:
                owner_s = None
        lead_s = self._prefix_start(ctx, start if owner_s is None else owner_s, self._coll_lead_rev)
        if owner_s is None and any(n.owned for _s, _e, n in nouns) and lead_s is None:
            return []
        heads = sum(not n.follow for _s, _e, n in nouns)  # "ban", "tổ chức" only continue a list
        if not det and heads < 2 and not first.alone and not (owner_s is not None and first.owned):
            return []
        if not det and _DIGIT_BEFORE.search(text, max(0, start - 4), start):
            return [_SKIP]  # "19/63 tỉnh, thành phố": a count, not addressees
        if not det and owner_s is None and lead_s is None and mf[max(0, start - 3):start] == "cơ ":
            return [_SKIP]
        runs: list[tuple[str, int, int]] = []
        for s, e, noun in nouns:
            cls = noun.cls
            if cls == "generic":  # "các bộ, cơ quan" are ministries; "các địa phương, đơn vị" are two groups
                cls = runs[-1][0] if runs and runs[-1][0] != "localities" else "agencies"
            if runs and runs[-1][0] == cls:
                runs[-1] = (cls, runs[-1][1], e)
            else:
                runs.append((cls, s, e))
        out = []
        first_start = min(x for x in (start, owner_s, lead_s) if x is not None)
        for i, (cls, s, e) in enumerate(runs):
            start = first_start
            if i:
                start = s
                dm = _DET_BEFORE.search(mf, max(0, s - 8), s)
                if dm:
                    start = dm.start()
            end = list_end if i == len(runs) - 1 else e
            out.append(_Cand(start, end, self._markers[cls], "collective", _PRIO_COLL))
        return out

    # ----- resolution and post-processing -----

    @staticmethod
    def _resolve(cands: list[_Cand]) -> list[_Cand]:
        """Longest first; on equal length a body in force, then the more specific family."""
        chosen: list[_Cand] = []
        size = max((c.end for c in cands), default=0)
        occupied = bytearray(size)
        for c in sorted(cands, key=lambda c: (-(c.end - c.start), not c.valid, c.prio, c.start)):
            if c.end <= c.start or not c.name or 1 in occupied[c.start:c.end]:
                continue
            chosen.append(c)
            occupied[c.start:c.end] = b"\x01" * (c.end - c.start)
        chosen.sort(key=lambda c: c.start)
        return chosen

    def _short_forms(self, text: str, mf: str, chosen: list[_Cand], doc: Province | None) -> list[_Cand]:
        """Short forms: "(gọi tắt là X)" definitions, "(ABC)" after a body, "Tổ công tác" after its full name."""
        defs: list[tuple[str, str, int, int, bool]] = []  # alias, body, definition start and end, whole text?
        ends = {c.end: c for c in chosen if c.kind != "collective"}
        added: list[_Cand] = []
        for m in self._defn_re.finditer(mf):
            body = ends.get(_ws_back(mf, m.start()))
            name = body.name if body is not None else None
            if body is None and (got := self._defined_body(text, mf, m.start(), doc)) is not None:
                added.append(_Cand(got[0], _ws_back(mf, m.start()), got[1], "body", _PRIO_FIXED))
                name = got[1]
            if name is not None:
                defs.append((text[m.start("x"):m.end("x")].strip(), name, m.start(), m.end(), True))
        for c in list(ends.values()):
            pm = self._paren_re.match(mf, c.end)
            if pm is None or not _is_cap(text, pm.start("x")) or any(d[3] == pm.end() for d in defs):
                continue
            inner = text[pm.start("x"):pm.end("x")]
            if len(inner.split()) > 8 or re.search(r"\d{3,}|/", inner) or not self._alias_like(inner, c.name):
                continue
            inside = [x for x in self.find(inner, province=doc.short if doc else None) if x.kind != "collective"]
            if any(x.name != c.name for x in inside):
                continue
            defs.append((inner, c.name, c.end, pm.end(), False))
        names = {c.name for c in chosen}
        for full, shorts in self._short.items():
            if full in names:
                first = min(c.start for c in chosen if c.name == full)
                defs.extend((short, full, first, first, True) for short in shorts)
        if not defs:
            return chosen
        # characters already named, and inside a definition: one byte each, so a long text's thousands of
        # mentions cost no more per match than a few
        occupied = bytearray(len(mf) + 1)
        for c in chosen + added:
            occupied[c.start:c.end] = b"\x01" * (c.end - c.start)
        in_def = bytearray(len(mf) + 1)
        for d in defs:
            if d[3] > d[2]:
                in_def[d[2]:d[3]] = b"\x01" * (d[3] - d[2])
        for alias, body, dstart, dend, whole in defs:
            toks = _tokens(alias)
            if not toks or len(alias) < 2:
                continue
            strict = _strict(alias)
            rx = re.compile(r"(?<!\w)" + _seq_regex(toks) + r"(?!\w)")
            for m in rx.finditer(mf, 0 if whole else dend):
                s, e = m.span()
                if dstart <= s < dend or in_def[s] or occupied.find(1, s, e) != -1:
                    continue
                if not _case_ok(text, s, e, strict) or alias[:1].isupper() and not _is_cap(text, s):
                    continue
                if self._short_stop.match(mf, e) and not _key(alias).endswith("đặc biệt"):
                    continue
                added.append(_Cand(s, e, body, "body", _PRIO_FIXED))
                occupied[s:e] = b"\x01" * (e - s)
        return sorted(chosen + added, key=lambda c: c.start)

    def _alias_like(self, inner: str, name: str) -> bool:
        """"(EVN)", "(Văn phòng Điều phối tỉnh)" name the body before them; "(Kế hoạch)" names a document."""
        if re.fullmatch(r"[A-ZĐ][A-ZĐa-z0-9&.\-]*[A-ZĐ0-9]", inner) and sum(ch.isupper() for ch in inner) >= 2:
            return True
        first = _tokens(inner)[:1]
        return bool(first) and (first == _tokens(name)[:1] or self._defined_head_re.match(_mf(inner)) is not None)

    def _defined_body(self, text: str, mf: str, paren: int, doc: Province | None) -> tuple[int, str] | None:
        """A body the gazetteer lacks but the text names before "(gọi tắt là …)": its first head in the clause.

        "Ban Chỉ đạo chuyển đổi số tỉnh (sau đây gọi tắt là Ban Chỉ đạo)" → "Ban Chỉ đạo chuyển đổi số
        tỉnh Nghệ An" when the document is Nghệ An's (a provincial body is named with its province).
        """
        end = _ws_back(mf, paren)
        lo = max(0, end - 200)
        cut = max(mf.rfind(ch, lo, end) for ch in ".;:()\"“”")
        for m in self._defined_head_re.finditer(mf, max(lo, cut + 1), end):
            if not _is_cap(text, m.start()) or m.start() and mf[m.start() - 1].isalnum():
                continue
            name = fold_tones(_SPACE_RE.sub(" ", text[m.start():end]).strip(" ,"))
            if doc is not None and re.search(r"\s(?:tỉnh|thành\s+phố)$", match_form(name)):
                name = f"{name} {doc.short}"
            return m.start(), name
        return None

    def _title_ending_at(self, ctx: _Ctx, end: int) -> int | None:
        """Where a title ending exactly at ``end`` starts ("Bộ trưởng" before " Bộ Y tế"), if one does."""
        mf = ctx.mf
        m = self._title_rev.match(ctx.rev, len(mf) - end)
        if m is None:
            return None
        s = len(mf) - m.end()
        variants = self._title_forms.get(_mkey(mf[s:end]), [])
        return s if any(_case_ok(ctx.text, s, end, w) for w in variants) else None

    def _extend_titles(self, ctx: _Ctx, chosen: list[_Cand]) -> list[_Cand]:
        """"Bộ trưởng Bộ Y tế", "Chủ tịch UBND tỉnh X": a title before a body makes one office mention.

        Titles chain with commas ("Bộ trưởng, Chủ nhiệm Văn phòng Chính phủ").
        """
        mf = ctx.mf
        out: list[_Cand] = []
        for c in chosen:
            start = c.start
            end = _ws_back(mf, start)
            ts = self._title_ending_at(ctx, end) if c.kind != "collective" and end < start else None
            while ts is not None:
                if out and out[-1].end > ts:
                    if out[-1].kind != "office" or out[-1].start < ts:
                        break
                    out.pop()
                start = ts
                q = _ws_back(mf, ts)
                ts = self._title_ending_at(ctx, _ws_back(mf, q - 1)) if q > 0 and mf[q - 1] == "," else None
            if start != c.start:
                c = _Cand(start, c.end, c.name, "office", c.prio, c.valid)
            out.append(c)
        return out

    # ----- province inference -----

    @staticmethod
    def _issuer_block(lines: list[str]) -> str:
        """The issuer's lines of an official header, in capitals, without the national motto beside them."""
        out = []
        for ln in lines[:4]:
            ln = _MOTTO_RE.sub(" ", ln).strip(" -*_")
            if not ln:
                continue
            if ln.lower().startswith("số") or sum(c.isupper() for c in ln) <= 0.6 * sum(c.isalpha() for c in ln):
                break
            out.append(ln)
        return "\n".join(out[:3])

    def _header_province(self, block: str) -> str | None:
        rx = re.compile(rf"(?:(?:tỉnh|thành\s+phố|tp\.?)\s+|(?:tỉnh|thành)\s+ủy\s+)(?P<p>{self._prov_trie})(?!\w)")
        m = rx.search(_mf(block))
        prov = self._pick_province(m.group("p"), None) if m else None
        return prov.short if prov else None

    def _dominant_province(self, text: str) -> str | None:
        mf = match_form(text)
        if not re.search(r"(?<!\w)(?:ubnd|ủy\s+ban\s+nhân\s+dân|hđnd|chủ\s+tịch|toàn|của|trên\s+địa\s+bàn)\s+tỉnh(?!\w)"
                         r"|(?<!\w)tỉnh\s+ủy(?!\w)", mf):
            return None
        counts: dict[str, int] = {}
        for m in self._place_re.finditer(mf):
            if _is_cap(text, m.start("p")):
                prov = self._pick_province(m.group("p"), self._unit_of(m))
                if prov is not None:
                    counts[prov.short] = counts.get(prov.short, 0) + 1
        ranked = sorted(counts.items(), key=lambda kv: -kv[1])
        if ranked and (len(ranked) == 1 or ranked[0][1] >= 2 * ranked[1][1]):
            return ranked[0][0]
        return None


def _ascii(name: str) -> str:
    """"Hà Tĩnh" → "hatinh", as in a paper's domain (baohatinh.vn)."""
    return re.sub(r"[^a-z]", "", strip_marks(name).lower())


@lru_cache(maxsize=1)
def _default() -> Gazetteer:
    return Gazetteer()
