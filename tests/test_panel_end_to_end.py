"""From a folder of a country's annual work reports, through the whole pipeline, to the panel.

Each report (written for this test, in the style of the State Council's reports) reviews last year and
sets this year's goals; the panel must give, for 000000 × gdp_growth, the target each report set for its
year and the outcome the next report gave for it — no wrong value."""

import pandas as pd

from pipeline.run.runner import run_extract

REPORT = """政府工作报告
——{year}年3月5日在第十四届全国人民代表大会第{session}次会议上
国务院总理
各位代表：
一、{last}年工作回顾
过去一年，国内生产总值增长{actual}%，城镇新增就业{jobs_done}万人，居民消费价格上涨{cpi_done}%。
二、{year}年经济社会发展总体要求和政策取向
今年发展主要预期目标是：国内生产总值增长{target}左右；城镇新增就业{jobs}万人以上；居民消费价格涨幅3%左右。
三、{year}年政府工作任务
要扎实推进各项工作。
"""

YEARS = {  # report year: (last year's outcome, this year's target, jobs done, jobs target, cpi done)
    2022: ("8.1", "5.5%", "1269", "1100", "0.9"),
    2023: ("3", "5%", "1206", "1200", "2"),
    2024: ("5.2", "5%", "1244", "1200", "0.2"),
}


def test_a_countrys_work_reports_give_every_years_target_and_outcome(tmp_path):
    folder = tmp_path / "reports"
    folder.mkdir()
    for i, (year, (actual, target, jobs_done, jobs, cpi_done)) in enumerate(sorted(YEARS.items())):
        (folder / f"report_{year}.txt").write_text(REPORT.format(
            year=year, last=year - 1, session=["一", "二", "三"][i], actual=actual, target=target,
            jobs_done=jobs_done, jobs=jobs, cpi_done=cpi_done), encoding="utf-8")
    run_extract(folder, tmp_path / "out", workers=1, incremental=False)
    documents = pd.read_parquet(tmp_path / "out" / "documents.parquet")
    assert set(documents.place_code) == {"000000"} and set(documents.kind) == {"work_report"}
    panel = pd.read_parquet(tmp_path / "out" / "panel.parquet")
    gdp = panel[(panel.place_code == "000000") & (panel.indicator_code == "gdp_growth")].sort_values("year")
    got = [(int(r.year), r.target_low, r.actual) for r in gdp.itertuples()]
    nan = float("nan")
    expected = [(2021, nan, 8.1), (2022, 5.5, 3.0), (2023, 5.0, 5.2), (2024, 5.0, nan)]
    assert [y for y, _, _ in got] == [y for y, _, _ in expected]
    for (y, t, a), (_, et, ea) in zip(got, expected):
        assert (pd.isna(t) and pd.isna(et)) or t == et, (y, t, et)
        assert (pd.isna(a) and pd.isna(ea)) or a == ea, (y, a, ea)
    jobs = panel[panel.indicator_code == "urban_jobs_new"].sort_values("year")
    assert [(int(r.year), r.target_low) for r in jobs.itertuples() if not pd.isna(r.target_low)] == [
        (2022, 1100.0), (2023, 1200.0), (2024, 1200.0)]
