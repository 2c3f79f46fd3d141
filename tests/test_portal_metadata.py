"""Title, issuer and place of documents found on portal pages and in database exports.

A site's name (its <title>, logo line, breadcrumb, column) or a legal database's header is never
part of the document's title or issuer. The pages below are written for the tests in the styles
of several portals (central portal, provincial and city portals, a statistics bureau, a news page,
a legal-database export); each goes through ingest → normalize → metadata like a real input.
"""
from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from pipeline.rulebook import default_book
from pipeline.run.process import build_document
from pipeline.stages.ingest import PageFurniture, ingest_file
from pipeline.stages.metadata import load_site_rules
from pipeline.tables.rows import DocumentMeta


def page_meta(tmp_path: Path, content: str, name: str = "page.html") -> DocumentMeta:
    path = tmp_path / name
    path.write_text(content, encoding="utf-8")
    return build_document(ingest_file(path, tmp_path, PageFurniture.from_rulebook(default_book()))).meta


CENTRAL_PORTAL_SITE_TITLE = """<html><head><meta charset="utf-8"><title>中国政府网</title></head><body>
<div class="logo">中国政府网</div>
<div class="crumb">首页 &gt; 政策 &gt; 国务院政策文件库</div>
<div class="title">国务院办公厅关于推进养老服务设施建设的意见</div>
<div>国办发〔2023〕41号</div>
<p>各省、自治区、直辖市人民政府，国务院各部委、各直属机构：</p>
<p>养老服务设施是养老服务体系的基础。经国务院同意，现提出以下意见。</p>
<p>一、总体要求</p>
<p>到2027年，养老服务设施布局更加均衡。</p>
<p>国务院办公厅</p><p>2023年11月20日</p>
</body></html>
"""

CENTRAL_PORTAL_TITLE_WITH_COLUMNS = """<html><head><meta charset="utf-8">
<title>国务院关于印发某领域发展规划的通知_国务院文件_中国政府网</title></head><body>
<table><tr><td>中华人民共和国中央人民政府</td></tr></table>
<p>国发〔2022〕9号</p>
<p>各省、自治区、直辖市人民政府，国务院各部委、各直属机构：</p>
<p>现将《某领域发展规划》印发给你们，请认真贯彻执行。</p>
<p>国务院</p><p>2022年2月14日</p>
</body></html>
"""

PROVINCIAL_PORTAL = """<html><head><meta charset="utf-8"><title>湖南省人民政府门户网站</title></head><body>
<div>湖南省人民政府门户网站</div>
<div>当前位置：首页 &gt; 政务公开 &gt; 省政府文件</div>
<div class="t">湖南省人民政府关于印发湖南省促进制造业数字化转型实施方案的通知</div>
<div>湘政发〔2024〕6号</div>
<p>各市州、县市区人民政府，省政府各厅委、各直属机构：</p>
<p>现将《湖南省促进制造业数字化转型实施方案》印发给你们，请认真贯彻执行。</p>
<p>湖南省人民政府</p><p>2024年4月2日</p>
</body></html>
"""

CITY_PORTAL_GLUED = """<html><head><meta charset="utf-8"><title>成都市人民政府办公厅关于进一步促进消费的若干措施_成都市人民政府网</title></head>
<body>
<div>成都市人民政府网</div>
<div>您的位置：首页 &gt; 政务公开 &gt; 政策文件</div>
<div>成都市人民政府网成都市人民政府办公厅关于进一步促进消费的若干措施</div>
<div>成办发〔2023〕12号</div>
<p>各区（市）县政府，市政府各部门：</p>
<p>为进一步促进消费，制定以下措施。</p>
<p>一、扩大餐饮消费</p>
</body></html>
"""

STATISTICS_BUREAU = """<html><head><meta charset="utf-8">
<title>临沂市统计局-2023年临沂市经济运行公报</title></head><body>
<div>临沂市统计局</div>
<div>首页 &gt; 统计数据 &gt; 统计公报</div>
<div>发布时间：</div><div>2024-03-21</div>
<div>信息来源：</div><div>临沂市统计局</div>
<div>临沂市2023年国民经济和社会发展统计公报</div>
<p>临沂市统计局 国家统计局临沂调查队</p>
<p>2024年3月20日</p>
<p>2023年，全市经济运行稳中向好，地区生产总值增长6.0%。</p>
</body></html>
"""

NEWS_PAGE_REPORT = """您的位置:
首页
>
湖南要闻
湖南要闻
2025年政府工作报告
来源：湖南日报
2025-01-23 09:02:33
【字体：
大
中
小
】
——2025年1月15日在湖南省第十四届人民代表大会第三次会议上
省长　毛伟明
各位代表：
现在，我代表省人民政府，向大会报告工作，请予审议。
一、2024年工作回顾
全省地区生产总值增长4.8%。
"""

LEGAL_DATABASE_EXPORT = """【法宝引证码】CLI.12.765432
原文链接：https://www.example.com/lar/abc.html
北大法宝
广州市人民政府办公厅关于印发广州市促进低空经济发展若干措施的通知
（穗府办规〔2024〕3号）
各区人民政府，市政府各部门、各直属机构：
《广州市促进低空经济发展若干措施》已经市人民政府同意，现印发给你们，请认真组织实施。
广州市人民政府办公厅
2024年5月8日
"""

DISTRICT_PAGE_NAMED_IN_TITLE_ONLY = """<html><head><meta charset="utf-8"><title>北京市朝阳区人民政府网站</title></head><body>
<div>北京市朝阳区人民政府网站</div>
<div>首页 &gt; 政务公开 &gt; 规划计划</div>
<div>朝阳区数字经济创新发展行动计划（2024—2026年）</div>
<p>为加快数字经济发展，结合本区实际，制定本行动计划。</p>
<p>一、总体要求</p>
</body></html>
"""


CENTRAL_PORTAL_METADATA_TABLE = """<html><head><meta charset="utf-8"><title>中国政府网_中央人民政府门户网站</title></head><body>
<div class="header"><img alt="中国政府网" src="logo.png"><span>中华人民共和国中央人民政府</span></div>
<div class="BreadcrumbNav"><a>首页</a> &gt; <a>政策</a> &gt; <a>国务院政策文件库</a> &gt; <a>国务院文件</a></div>
<table class="pctoubu">
<tr><td><b>索  引  号：</b></td><td>000014349/2023-00066</td><td><b>主题分类：</b></td><td>城乡建设、环境保护\其他</td></tr>
<tr><td><b>发文机关：</b></td><td>国务院办公厅</td><td><b>成文日期：</b></td><td>2023年12月20日</td></tr>
<tr><td><b>标　　题：</b></td><td colspan="3">国务院办公厅关于加快构建废弃物循环利用体系的意见</td></tr>
<tr><td><b>发文字号：</b></td><td>国办发〔2023〕48号</td><td><b>发布日期：</b></td><td>2023年12月28日</td></tr>
</table>
<div class="pages_content">
<p>国办发〔2023〕48号</p>
<p>各省、自治区、直辖市人民政府，国务院各部委、各直属机构：</p>
<p>加快构建废弃物循环利用体系，对提高资源利用效率具有重要意义。经国务院同意，现提出如下意见。</p>
<p>一、总体要求</p>
<p>到2025年，初步建成覆盖各领域的废弃物循环利用体系。</p>
<p style="text-align:right">国务院办公厅</p><p style="text-align:right">2023年12月20日</p>
<p>（本文有删减）</p>
</div>
<div class="footer">主办单位：国务院办公厅 运行维护单位：中国政府网运行中心 版权所有：中国政府网</div>
</body></html>
"""

CENTRAL_PORTAL_BROKEN_TITLE = """<html><head><meta charset="utf-8"><title>中国政府网</title></head><body>
<p>中国政府网</p>
<p>国务院关于推动某产业高质量发展</p>
<p>加快建设现代化产业体系的意见</p>
<p>国发〔2024〕3号</p>
<p>各省、自治区、直辖市人民政府，国务院各部委、各直属机构：</p>
<p>为推动某产业高质量发展，现提出如下意见。</p>
<p>国务院</p><p>2024年1月9日</p>
</body></html>
"""


# Each page and the metadata it must give: only the fields named are checked, each exactly.
PAGES = [
    pytest.param(CENTRAL_PORTAL_SITE_TITLE, "page.html", {
        "title": "国务院办公厅关于推进养老服务设施建设的意见",       # not 中国政府网国务院办公厅关于…
        "issuer": "国务院办公厅", "doc_number": "国办发〔2023〕41号", "issue_date": dt.date(2023, 11, 20),
        "place_code": "000000", "place_name": "全国"}, id="central portal whose title is the site name"),
    pytest.param(CENTRAL_PORTAL_TITLE_WITH_COLUMNS, "page.html", {
        "title": "国务院关于印发某领域发展规划的通知", "issuer": "国务院", "doc_number": "国发〔2022〕9号",
        "place_code": "000000"}, id="central portal page title with columns and site logo"),
    pytest.param(PROVINCIAL_PORTAL, "page.html", {
        "title": "湖南省人民政府关于印发湖南省促进制造业数字化转型实施方案的通知", "issuer": "湖南省人民政府",
        "doc_number": "湘政发〔2024〕6号", "issue_date": dt.date(2024, 4, 2),
        "place_code": "430000", "place_name": "湖南省"}, id="provincial portal site title and breadcrumb"),
    pytest.param(CITY_PORTAL_GLUED, "page.html", {
        "title": "成都市人民政府办公厅关于进一步促进消费的若干措施", "issuer": "成都市人民政府办公厅",
        "doc_number": "成办发〔2023〕12号", "place_code": "510100", "place_name": "四川省成都市"},
        id="city portal site name glued to the body title"),
    pytest.param(STATISTICS_BUREAU, "page.html", {
        "title": "临沂市2023年国民经济和社会发展统计公报",         # the body's title, not the <title>'s
        "issuer": "临沂市统计局 国家统计局临沂调查队",             # the signature, not the site header
        "issue_date": dt.date(2024, 3, 20), "place_code": "371300", "place_name": "山东省临沂市"},
        id="statistics bureau page: body title wins over the page title"),
    pytest.param(NEWS_PAGE_REPORT, "report.txt", {
        "title": "2025年政府工作报告",                          # not 湖南要闻湖南要闻2025年政府工作报告
        "issuer": "湖南省人民政府",                              # from 在湖南省第十四届人民代表大会
        "issue_date": dt.date(2025, 1, 15), "place_code": "430000"},
        id="news page column is not the title; the report's issuer is its government"),
    pytest.param(LEGAL_DATABASE_EXPORT, "export.txt", {
        "title": "广州市人民政府办公厅关于印发广州市促进低空经济发展若干措施的通知", "issuer": "广州市人民政府办公厅",
        "doc_number": "穗府办规〔2024〕3号", "issue_date": dt.date(2024, 5, 8),
        "place_code": "440100", "place_name": "广东省广州市"}, id="legal database export header, bracketed 文号"),
    pytest.param(DISTRICT_PAGE_NAMED_IN_TITLE_ONLY, "page.html", {
        "title": "朝阳区数字经济创新发展行动计划（2024—2026年）",
        "issuer": None,                                   # the site 北京市朝阳区人民政府网站 issues nothing
        "period_start": 2024, "period_end": 2026,
        "place_code": "110105", "place_name": "北京市朝阳区"},  # 朝阳区 is also in 长春市: the header names 北京市
        id="district page: site name is not the issuer and settles the district"),
    pytest.param(CENTRAL_PORTAL_METADATA_TABLE, "page.html", {
        # the <title> is two site names; furniture removal takes the 标题 row out of the text: the raw row says
        "title": "国务院办公厅关于加快构建废弃物循环利用体系的意见", "issuer": "国务院办公厅",
        "doc_number": "国办发〔2023〕48号", "issue_date": dt.date(2023, 12, 20), "place_code": "000000"},
        id="central portal title only in its metadata table"),
    pytest.param(CENTRAL_PORTAL_BROKEN_TITLE, "page.html", {
        "title": "国务院关于推动某产业高质量发展加快建设现代化产业体系的意见", "issuer": "国务院",
        "doc_number": "国发〔2024〕3号"}, id="central portal site line above a title broken over two lines"),
]


@pytest.mark.parametrize("page, name, expected", PAGES)
def test_portal_page_metadata(tmp_path, page, name, expected):
    m = page_meta(tmp_path, page, name=name)
    assert {field: getattr(m, field) for field in expected} == expected


@pytest.mark.parametrize("line,kind", [
    ("中国政府网", "site_name"),
    ("某某省人民政府门户网站", "site_name"),
    ("某某市政务服务网", "site_name"),
    ("某某省统计信息网", "site_name"),
    ("首页 > 政务公开 > 政策文件", "breadcrumb"),
    ("【法宝引证码】CLI.12.1", "database"),
    ("某省要闻", "column"),
    ("关于加强政府网站建设的通知", None),
    ("某某市人民政府文件", None),
    ("国务院办公厅", None),
    ("中国政府网_中央人民政府门户网站", "site_name"),
    ("国务院关于印发某规划的通知_国务院文件_中国政府网", None),
])
def test_site_furniture_kinds(line, kind):
    assert load_site_rules(default_book()).kind_of(line) == kind
