"""The panel (pipeline/tables/panel.py): earliest target, latest outcome, provenance, and its files and view."""
from __future__ import annotations

import datetime as dt
import math
from pathlib import Path

import duckdb
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from pipeline.tables.panel import PANEL_COLUMNS, build_panel, panel_rows, write_panel
from pipeline.tables.publish import write_duckdb
from pipeline.tables.schema import SCHEMAS

D = dt.date


def _docs(*rows) -> pd.DataFrame:
    return pd.DataFrame([dict(doc_id=d, place_code=p, place_name=n, issue_date=date) for d, p, n, date in rows])


def _target(doc_id, tid, year, low, high=None, unit="%", code="gdp_growth", change="increase", char_start=0):
    return dict(doc_id=doc_id, target_id=tid, indicator_code=code, target_year=year, value_low=low,
                value_high=low if high is None else high, unit=unit, change=change, char_start=char_start)


def _ach(doc_id, aid, year, value, unit="%", code="gdp_growth", change="increase", char_start=0):
    return dict(doc_id=doc_id, achievement_id=aid, indicator_code=code, period_year=year, value_low=value,
                value_high=value, unit=unit, change=change, char_start=char_start)


# A country's government work reports, one a year (each reviews last year and sets this year's goal),
# and a later publication that revises one outcome (the final verification of 2022's GDP).
COUNTRY_DOCS = _docs(
    ("gwr2021", "000000", "中华人民共和国", D(2021, 3, 5)),
    ("gwr2022", "000000", "中华人民共和国", D(2022, 3, 5)),
    ("gwr2023", "000000", "中华人民共和国", D(2023, 3, 5)),
    ("gwr2024", "000000", "中华人民共和国", D(2024, 3, 5)),
    ("gwr2025", "000000", "中华人民共和国", D(2025, 3, 5)),
    ("rev2022", "000000", "中华人民共和国", D(2024, 1, 17)),    # revises 2022's outcome after gwr2023
    ("plan14", "000000", "中华人民共和国", D(2021, 3, 13)),     # five-year plan: 年均 is no year's target
    ("nodate", "000000", "中华人民共和国", None),                # undated: ranks after every dated one
    ("noplace", None, None, D(2020, 1, 1)),                       # no place: contributes nothing
)
COUNTRY_TARGETS = pd.DataFrame([
    _target("gwr2021", "t21", 2021, 6.0),                        # 6%以上
    _target("gwr2022", "t22", 2022, 5.5),
    _target("gwr2023", "t23", 2023, 5.0),
    _target("gwr2024", "t24", 2024, 5.0),
    _target("gwr2025", "t25", 2025, 5.0),
    _target("gwr2022", "t22b", 2022, 5.0, char_start=900),       # restated later in the same report
    _target("gwr2023", "t22late", 2022, 4.0),                    # a later document: not the target set
    _target("plan14", "tplan", 2025, 5.0, change="annual_avg"),
    _target("nodate", "tnodate", 2023, 9.9),
    _target("noplace", "tnoplace", 2021, 1.0),
    _target("gwr2024", "tnull", 2024, None, code=None),         # no indicator code: not a panel row
])
COUNTRY_ACHIEVEMENTS = pd.DataFrame([
    _ach("gwr2021", "a20", 2020, 2.3),
    _ach("gwr2022", "a21", 2021, 8.1),
    _ach("gwr2023", "a22", 2022, 3.0),
    _ach("rev2022", "a22rev", 2022, 3.1),                        # later than gwr2023: wins
    _ach("gwr2024", "a23", 2023, 5.2),
    _ach("gwr2025", "a24", 2024, 5.0),
    _ach("nodate", "anodate", 2024, 9.9),                        # undated loses to the dated report
    _ach("noplace", "anoplace", 2024, 1.0),
])

EXPECTED = [  # year, target_low, target_high, target_id, actual, actual_doc_id, achievement_id
    (2020, None, None, None, 2.3, "gwr2021", "a20"),
    (2021, 6.0, 6.0, "t21", 8.1, "gwr2022", "a21"),
    (2022, 5.5, 5.5, "t22", 3.1, "rev2022", "a22rev"),
    (2023, 5.0, 5.0, "t23", 5.2, "gwr2024", "a23"),
    (2024, 5.0, 5.0, "t24", 5.0, "gwr2025", "a24"),
    (2025, 5.0, 5.0, "t25", None, None, None),
]


def _tuples(panel: pd.DataFrame) -> list[tuple]:
    def val(x):
        return None if x is None or (isinstance(x, float) and math.isnan(x)) else x
    return [(int(r.year), val(r.target_low), val(r.target_high), val(r.target_id), val(r.actual),
             val(r.actual_doc_id), val(r.achievement_id)) for r in panel.itertuples()]


def test_country_annual_reports_give_the_stated_target_and_outcome_of_every_year():
    panel = build_panel(COUNTRY_DOCS, COUNTRY_TARGETS, COUNTRY_ACHIEVEMENTS, flow_codes=())
    assert list(panel.columns) == PANEL_COLUMNS
    assert set(panel["place_code"]) == {"000000"} and set(panel["place_name"]) == {"中华人民共和国"}
    assert set(panel["indicator_code"]) == {"gdp_growth"} and set(panel["unit"]) == {"%"}
    assert _tuples(panel) == EXPECTED
    by_year = panel.set_index("year")
    assert by_year.loc[2022, "target_doc_id"] == "gwr2022"   # the earliest document, not gwr2023's restatement


def test_the_panel_is_the_same_whatever_the_row_order():
    shuffled = build_panel(COUNTRY_DOCS.sample(frac=1, random_state=3), COUNTRY_TARGETS.sample(frac=1, random_state=4),
                           COUNTRY_ACHIEVEMENTS.sample(frac=1, random_state=5), flow_codes=())
    assert _tuples(shuffled) == EXPECTED


def test_missing_columns_and_tables_give_an_empty_or_partial_panel():
    no_place = COUNTRY_DOCS.drop(columns=["place_code", "place_name"])
    assert build_panel(no_place, COUNTRY_TARGETS, COUNTRY_ACHIEVEMENTS).empty
    assert list(build_panel(no_place, COUNTRY_TARGETS).columns) == PANEL_COLUMNS
    # no achievements table yet: targets only; no issue_date column: doc_id decides
    only_targets = build_panel(COUNTRY_DOCS.drop(columns=["issue_date"]), COUNTRY_TARGETS, None, flow_codes=())
    assert only_targets["actual"].isna().all()
    assert only_targets.set_index("year").loc[2022, "target_id"] == "t22"   # gwr2022 < gwr2023 by doc_id
    assert build_panel(None, None).empty


def test_units_are_converted_and_stock_new_values_left_out():
    docs = _docs(("r2023", "510000", "四川省", D(2023, 1, 15)), ("r2024", "510000", "四川省", D(2024, 1, 20)),
                 ("b2023", "510000", "四川省", D(2024, 3, 1)))
    targets = pd.DataFrame([
        _target("r2023", "jobs", 2023, 50.0, unit="万人", code="urban_jobs_new", change="new"),
        _target("r2023", "hte_new", 2023, 500.0, unit="家", code="high_tech_enterprises", change="new"),
        _target("r2023", "grain", 2023, 3500.0, unit="万吨", code="grain_output", change="level"),
    ])
    achievements = pd.DataFrame([
        _ach("r2024", "jobs_a", 2023, 51.2, unit="万人", code="urban_jobs_new", change="new"),
        _ach("b2023", "jobs_b", 2023, 512300.0, unit="人", code="urban_jobs_new", change="new"),
        _ach("r2024", "grain_a", 2023, 3510.0, unit="万吨", code="grain_output", change="level"),
        _ach("b2023", "grain_b", 2023, 701.0, unit="亿斤", code="grain_output", change="level"),
    ])
    panel = build_panel(docs, targets, achievements, flow_codes={"urban_jobs_new"}).set_index("indicator_code")
    assert sorted(panel.index) == ["grain_output", "urban_jobs_new"]       # 新增高新技术企业 is not the stock
    # the bulletin's 512300人 in the target's unit 万人
    assert panel.loc["urban_jobs_new", ["actual", "unit", "achievement_id"]].tolist() == [51.23, "万人", "jobs_b"]
    # 亿斤 cannot be put in 万吨: the latest outcome that can is used
    assert panel.loc["grain_output", ["actual", "unit", "achievement_id"]].tolist() == [3510.0, "万吨", "grain_a"]


def test_rows_have_the_contract_types():
    rows = panel_rows(COUNTRY_DOCS, COUNTRY_TARGETS, COUNTRY_ACHIEVEMENTS, flow_codes=())
    assert [r.year for r in rows] == [2020, 2021, 2022, 2023, 2024, 2025]
    names = [f.name for f in SCHEMAS["panel"]]
    for column in ("place_code", "place_name", "year", "indicator_code", "target_low", "actual", "unit"):
        assert column in names
    assert SCHEMAS["panel"].field("year").type == pa.int16()
    assert not SCHEMAS["panel"].field("place_code").nullable


_DEFAULTS = {pa.string(): "", pa.bool_(): False}


def _conform(frame: pd.DataFrame, schema: pa.Schema) -> pa.Table:
    """``frame`` as a table of ``schema`` (absent columns null, or a neutral value where non-null), plus the
    columns ``schema`` lacks as written (documents.place_code and the achievements table come from other
    branches)."""
    n = len(frame)
    arrays, names = [], []
    for f in schema:
        if f.name in frame.columns:
            values = [None if v is None or (isinstance(v, float) and math.isnan(v)) else v for v in frame[f.name]]
        elif f.nullable:
            values = [None] * n
        else:
            values = [[] if pa.types.is_list(f.type) else _DEFAULTS.get(f.type, 0)] * n
        arrays.append(pa.array(values, type=f.type))
        names.append(f.name)
    for column in frame.columns:
        if column not in names:
            arrays.append(pa.array([None if isinstance(v, float) and math.isnan(v) else v for v in frame[column]]))
            names.append(column)
    return pa.Table.from_arrays(arrays, names=names)


def _write_run_folder(out: Path) -> None:
    """A run's output folder: the synthetic country tables in full, every other table empty."""
    out.mkdir(parents=True)
    docs = COUNTRY_DOCS.assign(source_path=COUNTRY_DOCS["doc_id"] + ".txt", source_format="txt", encoding="utf-8",
                               script="simplified", n_chars=1, text="x")
    frames = {"documents": docs, "targets": COUNTRY_TARGETS, "achievements": COUNTRY_ACHIEVEMENTS}
    for name, schema in SCHEMAS.items():
        if name != "panel":
            pq.write_table(_conform(frames.get(name, pd.DataFrame()), schema), out / f"{name}.parquet")
    if "achievements" not in SCHEMAS:
        pq.write_table(pa.Table.from_pandas(COUNTRY_ACHIEVEMENTS, preserve_index=False), out / "achievements.parquet")


def test_a_run_folder_gets_panel_parquet_csv_and_a_duckdb_view(tmp_path):
    out = tmp_path / "extracted"
    _write_run_folder(out)
    assert write_panel(out) == len(EXPECTED)
    from_parquet = pq.read_table(out / "panel.parquet")
    assert from_parquet.schema == SCHEMAS["panel"]
    assert _tuples(from_parquet.to_pandas()) == EXPECTED
    from_csv = pd.read_csv(out / "panel.csv", dtype={"place_code": str})
    assert list(from_csv.columns) == PANEL_COLUMNS
    assert from_csv["place_code"].tolist() == ["000000"] * len(EXPECTED)
    assert _tuples(from_csv.astype(object).where(from_csv.notna(), None)) == EXPECTED
    write_duckdb(out)
    con = duckdb.connect(str(out / "policy.duckdb"), read_only=True)
    assert con.execute("SELECT table_type FROM information_schema.tables WHERE table_schema = 'main' "
                       "AND table_name = 'panel'").fetchone() == ("VIEW",)
    assert con.execute("SELECT year, target_low, actual FROM panel WHERE indicator_code = 'gdp_growth' "
                       "AND place_code = '000000' ORDER BY year").fetchall() == \
        [(y, lo, a) for y, lo, _, _, a, _, _ in EXPECTED]
    con.close()


def test_readme_panel_recipe_runs_and_plots(tmp_path, monkeypatch):
    import re

    import matplotlib
    matplotlib.use("Agg")   # no display in tests
    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")
    section = re.search(r"^## The panel: targets vs outcomes\n(.*?)(?=^## )", readme, flags=re.S | re.M).group(1)
    (code,) = re.findall(r"^```python\n(.*?)^```", section, flags=re.S | re.M)
    assert len(code.strip().splitlines()) == 5
    _write_run_folder(tmp_path / "extracted")
    write_panel(tmp_path / "extracted")
    monkeypatch.chdir(tmp_path)
    env: dict = {}
    exec(compile(code, "README.md", "exec"), env)
    assert env["p"]["year"].tolist() == [y for y, *_ in EXPECTED]
    assert (tmp_path / "panel_gdp_growth.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    import matplotlib.pyplot as plt
    plt.close("all")
