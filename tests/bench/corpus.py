"""A synthetic corpus in the five published layouts, built from the seeds' vocabulary with variations.

Used by the benchmarks (import, matching, review). Deterministic for a given seed. Each document is one
region (3000+ distinct regions for 3000 documents), 20–40 projects, 8–14 indicators each; indicator
names vary the seeds' names with scope prefixes, synonyms and unit parentheticals, so that the corpus
has well over 100,000 distinct normalized names.

    python tests/bench/corpus.py OUT_DIR [--documents N]
"""

from __future__ import annotations

import argparse
import random
import sys
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from store.levels import DEPARTMENT_LEVEL1, canonical  # noqa: E402
from store.readers import read_path  # noqa: E402

SYLLABLES = list("安宝北昌城川丹德东丰福阜广海汉和河华淮黄惠吉嘉江金锦京景开兰乐丽连临柳龙隆鹿茂梅明南宁平"
                 "埔齐青清庆泉仁容汝瑞山韶邵深沈寿双顺松泰潭天通桐万威文武西溪湘祥新信兴宿阳宜益英永玉元"
                 "云湛长肇镇中舟珠株遵")
DEPARTMENTS = ("医疗保障局", "卫生健康局", "民政局", "人力资源和社会保障局", "教育局", "财政局", "医疗保障事务服务中心")
SCOPES = ("城乡居民医保", "职工医保", "医疗救助", "长期护理保险", "医保基金监管", "医保信息化", "医保经办服务",
          "药品集中采购", "异地就医结算", "门诊共济", "生育保险", "困难群众资助参保", "定点医药机构管理",
          "医保支付方式改革", "医保政策宣传", "业务用房租赁", "机构运行", "后勤保障", "档案管理", "网络安全")
SUBJECTS = ("困难群众", "参保人员", "定点机构", "基层", "县域", "乡镇", "村级", "学校", "社区", "企业职工",
            "灵活就业人员", "新生儿", "老年人", "异地就医人员", "经办窗口", "网上办事", "慢特病", "门诊",
            "住院", "药店", "医共体", "村卫生室", "家庭医生", "退役军人", "低收入人口", "大学生", "外来务工人员",
            "重度残疾人", "失能人员", "孕产妇", "儿童", "中医")
SYNONYMS = (("满意度", "满意率"), ("满意度", "好评率"), ("知晓率", "知晓度"), ("到位率", "到账率"),
            ("及时率", "及时性"), ("覆盖率", "覆盖面"), ("人次", "人数"), ("完成率", "完成情况"))
UNITS = ("（%）", "(%)", "（人）", "（万元）", "(次)", "")


@dataclass(frozen=True, slots=True)
class Item:
    level1: str
    level2: str
    name: str
    value: str
    base: str = ""  # the seed indicator this one varies: its true counterparts share it


@dataclass(frozen=True, slots=True)
class Project:
    name: str
    unit: str
    amount: float
    items: tuple[Item, ...]


def vocabulary() -> tuple[list[Item], list[str]]:
    """Indicators (with their levels and a value) and project names from the seed documents."""
    items: list[Item] = []
    projects: list[str] = []
    for path in sorted((ROOT / "fixtures" / "seeds").glob("*.txt")):
        for record in read_path(path).records:
            projects.append(record.name)
            for indicator in record.indicators:
                value = indicator.annual_value or indicator.period_value or "≥90%"
                if (indicator.level1 and indicator.level2 and len(indicator.name) <= 40
                        and indicator.level1 not in DEPARTMENT_LEVEL1 and canonical(indicator.name) is None):
                    items.append(Item(indicator.level1, indicator.level2, indicator.name, value))
    return items, projects


def region_names(count: int, rng: random.Random) -> list[str]:
    names: set[str] = set()
    ordered: list[str] = []
    while len(ordered) < count:
        city = rng.choice(SYLLABLES) + rng.choice(SYLLABLES)
        kind = rng.random()
        if kind < 0.45:
            name = f"{city}市"
        elif kind < 0.75:
            name = f"{city}县"
        else:
            name = f"{city}市{rng.choice(SYLLABLES)}{rng.choice(SYLLABLES)}区"
        if name not in names:
            names.add(name)
            ordered.append(name)
    return ordered


def _vary_name(name: str, rng: random.Random, scope: str, place: str) -> str:
    roll = rng.random()
    if roll < 0.25:
        name = f"{scope}{name}"
    elif roll < 0.5:
        name = f"{scope}{rng.choice(SUBJECTS)}{name}"
    elif roll < 0.6:
        name = f"{scope}项目{name}"
    elif roll < 0.75:
        name = f"{place}{name}"  # regions name their own programmes ("广州医保AI智能客服…")
    for old, new in SYNONYMS:
        if old in name and rng.random() < 0.3:
            name = name.replace(old, new, 1)
    if rng.random() < 0.15:
        name += rng.choice(UNITS)
    return name


def _vary_value(value: str, rng: random.Random) -> str:
    if rng.random() < 0.5:
        if value.endswith("%"):
            return f"≥{rng.choice((80, 85, 90, 95, 98, 100))}%"
        if value[:1] in "≥≤" and value[-1:] in "次个家人件":
            return f"{value[0]}{rng.choice((3, 5, 10, 12, 20, 50, 100, 1000))}{value[-1]}"
    return value


def make_documents(count: int, seed: int = 2025) -> list[tuple[str, str, str, int, list[Project]]]:
    """(layout, region, department, year, projects) for ``count`` documents."""
    rng = random.Random(seed)
    items, project_names = vocabulary()
    layouts = ("packed", "side-by-side", "department+projects", "markdown", "approval-book")
    documents = []
    for index, region in enumerate(region_names(count, rng)):
        department = region + rng.choice(DEPARTMENTS)
        projects = []
        for p in range(rng.randint(20, 40)):
            scope = rng.choice(SCOPES)
            name = f"{rng.choice(project_names)}{p + 1}" if rng.random() < 0.5 else f"{scope}专项经费{p + 1}"
            chosen = rng.sample(items, rng.randint(8, 14))
            chosen.sort(key=lambda item: ("产出指标", "成本指标", "效益指标", "满意度指标").index(item.level1)
                        if item.level1 in ("产出指标", "成本指标", "效益指标", "满意度指标") else 9)
            varied = tuple(
                Item(item.level1, item.level2, _vary_name(item.name, rng, scope, region[:2]),
                     _vary_value(item.value, rng), item.name)
                for item in chosen
            )
            projects.append(Project(name, department, round(rng.uniform(1, 5000), 2), varied))
        documents.append((layouts[index % len(layouts)], region, department, rng.choice((2024, 2025, 2026)),
                          projects))
    return documents


_L1_CODE = {"产出指标": "1", "效益指标": "2", "满意度指标": "3", "成本指标": "4"}
_L2_CODE = {"数量指标": "11", "质量指标": "12", "时效指标": "13", "成本指标": "14", "经济效益指标": "21",
            "社会效益指标": "22", "生态效益指标": "23", "可持续影响指标": "24", "服务对象满意度指标": "31",
            "社会公众满意度指标": "32", "满意度指标": "31", "经济成本指标": "41", "社会成本指标": "42",
            "生态环境成本指标": "43"}


def _packed(region: str, department: str, year: int, projects: list[Project]) -> str:
    lines = ["项目支出绩效目标表 (含转移支付项目)", "", f"部门名称:{department}", "",
             "项目名称(资金使用单位)\t总计\t财政拨款\t财政专户拨款\t其他资金\t绩效目标\t绩效指标"]
    total = sum(p.amount for p in projects)
    lines.append(f"合计\t{total:,.2f}\t{total:,.2f}\t\t\t\t")
    lines.append(f"{department}\t{total:,.2f}\t{total:,.2f}\t\t\t\t")
    for project in projects:
        cells = []
        for n, item in enumerate(project.items, start=1):
            level1 = "满意度指标" if item.level1 not in _L1_CODE else item.level1
            l1 = _L1_CODE.get(level1, "1")
            l2 = _L2_CODE.get(item.level2, "11")
            cells.append(f"{n}、{l1}-{level1}; {l2}-{item.level2}; {item.name}; 实施周期指标值: {item.value}; "
                         f"年度指标值: {item.value}。")
        lines.append(f"{project.name}{year}\t{project.amount:,.2f}\t{project.amount:,.2f}\t\t\t"
                     f"保障{project.name}顺利实施。\t{' '.join(cells)}")
    return "\n".join(lines) + "\n"


def _side_by_side(region: str, department: str, year: int, projects: list[Project]) -> str:
    out = []
    for project in projects:
        out += ["# 项目支出绩效目标申报表", "", f"( {year} 年度)", "", "项目负责人(签字):", "",
                f"项目名称\t\t{project.name}\t\t\t\t\t",
                f"主管部门及代码\t\t[054]{department}\t\t实施单位\t\t{project.unit}\t",
                "项目属性\t\t常年项目\t\t项目期\t\t99年\t",
                f"项目资金 (万元)\t\t中期资金总额:\t\t{project.amount:.2f}\t年度资金总额:\t\t{project.amount:.2f}",
                f"总体目标\t中期目标({year}年—{year + 2}年)\t\t\t\t年度目标\t\t",
                f"\t安排财政资金{project.amount:.2f}万元。\t\t\t\t安排财政资金{project.amount:.2f}万元。\t\t",
                "绩效指标\t一级指标\t二级指标\t三级指标\t指标值\t二级指标\t三级指标\t指标值"]
        level1 = level2 = None
        for item in project.items:
            l1 = item.level1 if item.level1 != level1 else ""
            l2 = item.level2 if item.level2 != level2 else ""
            out.append(f"\t{l1}\t{l2}\t{item.name}\t{item.value}\t{l2}\t{item.name}\t{item.value}")
            level1, level2 = item.level1, item.level2
        out += ["", "项目负责人:", ""]
    return "\n".join(out) + "\n"


def _department_projects(region: str, department: str, year: int, projects: list[Project]) -> str:
    out = [f"{year}年市级部门整体预算绩效目标表", "", f"部门名称\t{department}\t\t\t",
           "绩效指标\t一级指标\t二级指标\t三级指标\t指标值"]
    for n, item in enumerate(projects[0].items, start=1):
        out.append(f"\t{item.level1}\t{item.level2}\t指标{n}: {item.name}\t{item.value}")
    for project in projects[1:]:
        out += ["", f"{year}年市级项目支出绩效目标表", "", f"项目名称\t{project.name}\t\t\t\t",
                f"主管部门\t{department}\t\t用款单位\t{project.unit}\t",
                f"预算金额\t总金额（万元）\t{project.amount}\t当年度金额（万元）\t{project.amount}\t",
                "绩效指标\t一级指标\t二级指标\t三级指标\t实施周期指标值\t当年度指标值"]
        level1 = level2 = None
        for item in project.items:
            l1 = item.level1 if item.level1 != level1 else ""
            l2 = item.level2 if item.level2 != level2 else ""
            out.append(f"\t{l1}\t{l2}\t{item.name}\t{item.value}\t{item.value}")
            level1, level2 = item.level1, item.level2
    return "\n".join(out) + "\n"


def _markdown(region: str, department: str, year: int, projects: list[Project]) -> str:
    header = ("| 项目编码 | 申报单位 | 资金主管部门 | 资金主管科室 | 项目类别 | 二级项目名称 | 资金类型 |"
              " 当年项目金额 | 用途范围(功能科目) | 设立依据及申报理由 | 绩效目标 | | 绩效指标 | | | | |")
    out = [f"{year}年部门预算项目绩效目标明细表", "", header, "|---" * 17 + "|",
           "| | | | | | | | | | | 整体绩效 | 年度绩效 | 一级指标 | 二级指标 | 三级指标 | 实施周期值 | 年度指标值 |"]
    for n, project in enumerate(projects):
        code = f"44{n:018d}"
        lead = (f"| {code} | 112001-{department} | 112-{department} | 05-社会保障 | 331-部门预算部门职能类 |"
                f" {project.name} | 1111预算安排拨款 | {project.amount * 10000:.1f} | 2101202 | 依据 | 目标 | 目标 |")
        level1 = level2 = None
        for m, item in enumerate(project.items):
            l1 = item.level1 if item.level1 != level1 else ""
            l2 = item.level2 if item.level2 != level2 else ""
            cells = f" {l1} | {l2} | {item.name} | {item.value} | {item.value} |"
            out.append(lead + cells if m == 0 else "|" + " |" * 12 + cells)
            level1, level2 = item.level1, item.level2
    return "\n".join(out) + "\n"


def _approval(region: str, department: str, year: int, projects: list[Project]) -> str:
    out = [f"# {year}年{department}单位预算批复表", ""]
    for project in projects:
        out += ["# 部门预算项目（政策）绩效目标表", "", "表17", "", "单位：万元", "",
                f"项目(政策)名称\t{project.name}\t\t\t\t\t\t",
                f"主管部门\t{department}\t\t\t实施单位\t{project.unit}\t\t",
                f"预算资金情况\t{project.amount:,.2f}\t\t\t\t\t\t", "总体目标\t按时完成。\t\t\t\t\t\t",
                "绩效指标\t一级指标\t二级指标\t三级指标\t运算符号\t指标值\t度量单位\t完成时限"]
        level1 = level2 = None
        for item in project.items:
            l1 = item.level1 if item.level1 != level1 else ""
            l2 = item.level2 if item.level2 != level2 else ""
            value = item.value
            operator = ""
            for symbol, written in (("≥", ">="), ("≤", "<="), ("=", "=")):
                if value.startswith(symbol):
                    operator, value = written, value[1:]
            unit = "%" if value.endswith("%") else ""
            value = value[:-1] if unit else value
            out.append(f"\t{l1}\t{l2}\t{item.name}\t{operator}\t{value}\t{unit}\t{year}-12")
            level1, level2 = item.level1, item.level2
        out.append("")
    return "\n".join(out) + "\n"


WRITERS = {"packed": _packed, "side-by-side": _side_by_side, "department+projects": _department_projects,
           "markdown": _markdown, "approval-book": _approval}


def write_corpus(folder: Path, documents: int, seed: int = 2025) -> tuple[int, int]:
    """Write ``documents`` files into ``folder``; returns (documents, indicators written)."""
    folder.mkdir(parents=True, exist_ok=True)
    indicators = 0
    bases: dict[str, str] = {}
    for index, (layout, region, department, year, projects) in enumerate(make_documents(documents, seed)):
        text = WRITERS[layout](region, department, year, projects)
        (folder / f"{index:05d}_{layout}.txt").write_text(text, encoding="utf-8")
        indicators += sum(len(p.items) for p in projects)
        for project in projects:
            for item in project.items:
                bases.setdefault(item.name, item.base)
    # which seed indicator each written name varies (the labels of the benchmark), beside the corpus
    with (folder.parent / f"{folder.name}-bases.tsv").open("w", encoding="utf-8") as handle:
        handle.writelines(f"{name}\t{base}\n" for name, base in bases.items())
    return documents, indicators


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("out", type=Path)
    parser.add_argument("--documents", type=int, default=3200)
    args = parser.parse_args()
    documents, indicators = write_corpus(args.out, args.documents)
    print(f"wrote {documents} documents with {indicators} indicators to {args.out}")


if __name__ == "__main__":
    main()
