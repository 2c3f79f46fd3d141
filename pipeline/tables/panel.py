"""The panel: one row per (place, year, indicator_code) with the target set and the outcome reported.

Derived from three tables of a run (SCHEMA.md, ``panel``)::

    documents     doc_id, place_code, place_name, issue_date
    targets       doc_id, target_id, indicator_code, target_year, value_low, value_high, unit
    achievements  doc_id, achievement_id, indicator_code, period_year, value_low, unit

- the target of a year is the one of the EARLIEST document setting it (by
  ``issue_date``, then ``doc_id``; within a document the first in the text):
  a target revised later is still the target that was set;
- the outcome of a year is the one of the LATEST document reporting it: a
  bulletin's revised figure replaces the work report's preliminary one;
- a document without ``place_code`` contributes nothing (no place, no panel
  row); a document without ``issue_date`` ranks after every dated one for both
  choices (its order cannot be known);
- rows for several years at once are left out (``change`` = ``annual_avg`` or
  ``cumulative``: 年均增长5% is no one year's target), and so are ``new``
  values of a stock (新增高新技术企业100家 is not the number of enterprises),
  unless the indicator is itself a flow (``flow = true``: 城镇新增就业);
- ``unit`` is the target's unit as written, else the outcome's; an outcome in
  another unit of the same base (亿斤 vs 万吨 do not share one; 万元 vs 亿元
  do) is converted into it, one that cannot be converted is not used.

Missing columns are tolerated (a run before place codes or achievements
existed gives an empty panel), never guessed.
"""
from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Any, Iterable

import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from ..extract.indicators import IndicatorTable
from ..extract.numbers import UnitTable
from .export import write_atomically, write_table
from .rows import PanelRow
from .schema import SCHEMAS, to_table

PANEL_COLUMNS = SCHEMAS["panel"].names
MULTI_YEAR_CHANGES = frozenset({"annual_avg", "cumulative"})

# What the panel reads of each table; absent columns are treated as null.
_DOC_COLUMNS = ("doc_id", "place_code", "place_name", "issue_date")
_TARGET_COLUMNS = ("doc_id", "target_id", "indicator_code", "target_year", "value_low", "value_high", "unit",
                   "change", "char_start", "value_base", "unit_base")
_ACHIEVEMENT_COLUMNS = ("doc_id", "achievement_id", "indicator_code", "period_year", "value_low", "value_high",
                        "unit", "change", "char_start")


def _clean(value: Any) -> Any:
    """pandas' missing values (NaN, NA, NaT) → None."""
    if value is None:
        return None
    try:
        if pd.isna(value):
            return None
    except (TypeError, ValueError):   # lists and arrays: not a scalar missing value
        pass
    return value


def _records(frame: pd.DataFrame | None, columns: Iterable[str]) -> list[dict[str, Any]]:
    if frame is None or len(frame) == 0:
        return []
    present = [c for c in columns if c in frame.columns]
    out = []
    for values in frame[present].itertuples(index=False, name=None):
        row = dict.fromkeys(columns)
        row.update({c: _clean(v) for c, v in zip(present, values)})
        out.append(row)
    return out


@dataclasses.dataclass(frozen=True)
class _Place:
    code: str
    name: str
    dated: bool           # issue_date known
    date: pd.Timestamp | None
    doc_id: str

    def order(self) -> tuple:
        """Ascending = earlier; an undated document after every dated one."""
        return (not self.dated, self.date if self.dated else pd.Timestamp.min, self.doc_id)


def _places(documents: pd.DataFrame | None) -> dict[str, _Place]:
    places = {}
    for d in _records(documents, _DOC_COLUMNS):
        code = d["place_code"]
        if not d["doc_id"] or not isinstance(code, str) or not code.strip():
            continue
        date = pd.to_datetime(d["issue_date"], errors="coerce") if d["issue_date"] is not None else None
        dated = date is not None and not pd.isna(date)
        places[d["doc_id"]] = _Place(code=code.strip(), name=d["place_name"] or "", dated=dated,
                                     date=date if dated else None, doc_id=d["doc_id"])
    return places


def _int(value: Any) -> int | None:
    try:
        return None if value is None else int(value)
    except (TypeError, ValueError):
        return None


def _usable(row: dict[str, Any], year_column: str, flow_codes: frozenset[str]) -> bool:
    if not row["indicator_code"] or _int(row[year_column]) is None:
        return False
    change = row["change"]
    if change in MULTI_YEAR_CHANGES:
        return False
    if change == "new" and row["indicator_code"] not in flow_codes:
        return False
    return True


def _in_unit(value: float, unit: str, target_unit: str, units: UnitTable) -> float | None:
    """``value`` (in ``unit``) expressed in ``target_unit``; None when the two do not share a base."""
    if (unit or "") == (target_unit or ""):
        return value
    a, b = units.resolve(unit or ""), units.resolve(target_unit or "")
    if a is None or b is None or a.base != b.base or a.kind != b.kind:
        return None
    if a.kind == "percent":
        return value
    return float(f"{value * a.factor / b.factor:.12g}")


def _default_indicators() -> IndicatorTable:
    """The package's own indicator table, for a panel built without a run's (tests, old outputs)."""
    from ..rulebook import default_book
    return IndicatorTable.from_rulebook(default_book())


def panel_rows(documents: pd.DataFrame | None, targets: pd.DataFrame | None,
               achievements: pd.DataFrame | None = None, *, flow_codes: Iterable[str] | None = None,
               units: UnitTable | None = None) -> list[PanelRow]:
    """The panel rows, sorted by place_code, indicator_code, year (see the module docstring)."""
    if flow_codes is None or units is None:
        indicators = _default_indicators()
        flow_codes = flow_codes if flow_codes is not None else (i.code for i in indicators.indicators if i.flow)
        units = units or indicators.units
    flow = frozenset(flow_codes)
    places = _places(documents)
    cells: dict[tuple[str, int, str], dict[str, list]] = {}

    def position(row: dict[str, Any]) -> int:
        return _int(row.get("char_start")) if _int(row.get("char_start")) is not None else 0

    for t in _records(targets, _TARGET_COLUMNS):
        place = places.get(t["doc_id"])
        if place is None or not _usable(t, "target_year", flow) \
                or (t["value_low"] is None and t["value_high"] is None):
            continue
        key = (place.code, _int(t["target_year"]), t["indicator_code"])
        cells.setdefault(key, {"t": [], "a": []})["t"].append(
            ((*place.order(), position(t), t["target_id"] or ""), place, t))
    for a in _records(achievements, _ACHIEVEMENT_COLUMNS):
        place = places.get(a["doc_id"])
        value = a["value_low"] if a["value_low"] is not None else a["value_high"]
        if place is None or value is None or not _usable(a, "period_year", flow):
            continue
        key = (place.code, _int(a["period_year"]), a["indicator_code"])
        cells.setdefault(key, {"t": [], "a": []})["a"].append(
            ((*place.order(), position(a), a["achievement_id"] or ""), place, {**a, "value": value}))

    rows = []
    for (code, year, indicator), found in sorted(cells.items()):
        target = min(found["t"], key=lambda c: c[0]) if found["t"] else None
        # latest document first (dated before undated); within one document the first in the text
        latest = sorted(found["a"], key=lambda c: c[0][3:])
        latest.sort(key=lambda c: (not c[0][0], c[0][1], c[0][2]), reverse=True)
        unit = target[2]["unit"] if target else (latest[0][2]["unit"] if latest else "")
        actual = None
        for _, place, a in latest:
            converted = _in_unit(float(a["value"]), a["unit"], unit, units)
            if converted is not None:
                actual = (converted, place, a)
                break
        name_from = target[1] if target else (actual[1] if actual else None)
        if target is None and actual is None:
            continue
        rows.append(PanelRow(
            place_code=code, place_name=name_from.name if name_from else "", year=year, indicator_code=indicator,
            target_low=_float(target[2]["value_low"]) if target else None,
            target_high=_float(target[2]["value_high"]) if target else None,
            target_doc_id=target[2]["doc_id"] if target else None,
            target_id=target[2]["target_id"] if target else None,
            actual=actual[0] if actual else None,
            actual_doc_id=actual[2]["doc_id"] if actual else None,
            achievement_id=actual[2]["achievement_id"] if actual else None,
            unit=unit or ""))
    return rows


def _float(value: Any) -> float | None:
    return None if value is None else float(value)


def build_panel(documents: pd.DataFrame | None, targets: pd.DataFrame | None,
                achievements: pd.DataFrame | None = None, **kwargs: Any) -> pd.DataFrame:
    """The panel as a DataFrame with exactly the columns of ``SCHEMAS['panel']``."""
    return panel_table(panel_rows(documents, targets, achievements, **kwargs)).to_pandas()


def panel_table(rows: list[PanelRow]) -> pa.Table:
    return to_table("panel", rows)


# ---------------------------------------------------------------- files of a run

def _read(output_dir: Path, name: str, columns: Iterable[str],
          doc_ids: pd.Series | None = None) -> pd.DataFrame | None:
    """The table's ``columns`` (documents.text is never read); with ``doc_ids``, only the rows that can
    enter the panel: an indicator code, from one of those documents (hundreds of thousands of rows
    that cannot are not turned into Python objects)."""
    path = output_dir / f"{name}.parquet"
    if not path.is_file():
        return None
    present = [c for c in columns if c in pq.read_schema(path).names]
    table = pq.read_table(path, columns=present)
    if doc_ids is not None and {"doc_id", "indicator_code"} <= set(present):
        keep = pc.and_(pc.is_valid(table["indicator_code"]),
                       pc.is_in(table["doc_id"], value_set=pa.array(doc_ids.dropna().astype(str).tolist(),
                                                                    pa.string())))
        table = table.filter(keep)
    return table.to_pandas()


def write_panel(output_dir: Path, indicators: IndicatorTable | None = None) -> int:
    """Build the panel from the tables in ``output_dir``; write ``panel.parquet`` and ``panel.csv``
    (each atomically). Returns the number of rows. ``indicators``: the run's table (flow codes, units);
    None: the package's own."""
    output_dir = Path(output_dir)
    indicators = indicators or _default_indicators()
    documents = _read(output_dir, "documents", _DOC_COLUMNS)
    placed = None
    if documents is not None and {"doc_id", "place_code"} <= set(documents.columns):
        placed = documents["doc_id"][documents["place_code"].notna()]    # a panel row needs a place
    rows = panel_rows(documents, _read(output_dir, "targets", _TARGET_COLUMNS, placed),
                      _read(output_dir, "achievements", _ACHIEVEMENT_COLUMNS, placed),
                      flow_codes=[i.code for i in indicators.indicators if i.flow], units=indicators.units)
    table = panel_table(rows)
    write_table(table, output_dir / "panel.parquet")
    frame = table.to_pandas()
    write_atomically(output_dir / "panel.csv",
                     lambda tmp: frame.to_csv(tmp, index=False, encoding="utf-8", lineterminator="\n"))
    return table.num_rows
