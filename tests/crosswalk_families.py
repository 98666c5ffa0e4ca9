"""Concepts made on the imported seeds with the decision API, the way a reviewer would map them: the
families the comparison is judged on (satisfaction, 参保率, 资金到位率) and the cases the issue names."""

from __future__ import annotations

import shutil
from pathlib import Path

from conftest import ri

from store.review import Review
from store.workspace import Workspace

FAMILIES: dict[str, list[tuple[str, str]]] = {
    # 广州 ≥70% vs 抚顺 ≤75%: operators reversed
    "住院报销比例": [("广州市", "城乡居民医保政策范围内住院报销比例"), ("抚顺市", "参保人政策范围内住院费用报销比例")],
    # 100% down to ≥80%
    "服务对象满意度": [("广州市", "服务对象满意度"), ("金寨县", "服务对象满意度"),
                 ("抚顺市", "参保人员对医保服务的满意度"), ("湛江市", "参保对象满意度（%）"),
                 ("韶关市曲江区", "群众满意度(%)")],
    # ≤60分钟 vs ≤2小时
    "系统故障响应": [("广州市", "系统故障排除响应及时性"), ("湛江市", "系统故障修复响应时间")],
    # ≥700元 vs 国家规定标准
    "财政补助标准": [("广州市", "城乡居民医保财政实际补助标准"), ("湛江市", "财政实际补助标准"),
               ("湛江市", "财政实际补助标准（元）")],
    "参保率": [("金寨县", "居民参保率"), ("抚顺市", "城乡居民基本医保参保率"),
            ("湛江市", "以常住人口数为基数计算的基本参保综合参保率(%)"), ("韶关市曲江区", "城乡居民基本医保参保率(%)"),
            ("广州市", "困难群众依申请资助参保率")],
    "资金到位率": [("湛江市", "当年各级财政补助资金到位率(%)"), ("韶关市曲江区", "资金到位及时率"),
              ("广州市", "资金上解及时率"), ("抚顺市", "保证补助资金拨付到位")],
}


def map_families(workspace: Workspace, reviewer: str = "alice") -> dict[str, int]:
    """Approve each family's members into one concept; returns the concept id of each family."""
    review = Review(workspace, reviewer)
    concepts = {}
    for family, members in FAMILIES.items():
        ids = [ri(workspace, region, name) for region, name in members]
        for other in ids[1:]:
            review.approve(ids[0], other, confirm_merge=True)
        concept_id = review.concept_id_of(ids[0])
        assert concept_id is not None
        concepts[family] = concept_id
    return concepts


def mapped_copy(seeded: Path, folder: Path, name: str = "mapped.db") -> tuple[Path, dict[str, int]]:
    """A copy of the seeded workspace with the families mapped, a close match and a rejected pair."""
    path = folder / name
    shutil.copy(seeded, path)
    with Workspace(path) as workspace:
        concepts = map_families(workspace)
        review = Review(workspace, "bob")
        review.close(ri(workspace, "广州市", "工作满意度"), ri(workspace, "抚顺市", "救助对象对救助工作满意度"))
        review.reject(ri(workspace, "韶关市曲江区", "新增参保人数"), ri(workspace, "湛江市", "参保人数（人）"))
    return path, concepts
