"""The bundled sample sites, their locales, and the publication clock they share.

The first four are the original CMS families; the later ones emulate list strategies added after them
(JPaaS unit API, JSON list API, iframe shells). New sites are appended so the older ones stay unchanged.
"""

from __future__ import annotations

import hashlib
from datetime import datetime, timedelta, timezone

from sampleweb.model import SiteInfo
from sampleweb.textkit import Locale

SHANGHAI = timezone(timedelta(hours=8), "Asia/Shanghai")
COUNTY, PORTAL, CDPF, CITY = "sample-county", "sample-portal", "sample-cdpf", "sample-citynews"
JPAAS, JSONAPI, IFRAME = "sample-jpaas", "sample-jsonapi", "sample-iframe"

SITES: tuple[SiteInfo, ...] = (
    SiteInfo(COUNTY, "秀洲区人民政府（样例）", "county", "浙江省", "嘉兴市", "秀洲区", "hanweb", False),
    SiteInfo(PORTAL, "中国江苏网（样例）", "province", "江苏省", None, None, "trs", False),
    SiteInfo(CDPF, "中国残疾人联合会（样例）", "national", None, None, None, "cdpf", True),
    SiteInfo(CITY, "淮安新闻网（样例）", "city", "江苏省", "淮安市", None, "generic", False),
    SiteInfo(JPAAS, "海盐县人民政府（样例）", "county", "浙江省", "嘉兴市", "海盐县", "jpaas", False),
    SiteInfo(
        JSONAPI, "中国残疾人就业创业网络服务平台（样例）", "national", None, None, None, "jsonapi", True
    ),
    SiteInfo(IFRAME, "淮阴区人民政府（样例）", "county", "江苏省", "淮安市", "淮阴区", "iframe", False),
)
SITE_BY_KEY = {site.key: site for site in SITES}
# The name a republishing site credits in its 来源 line.
CREDIT = {
    COUNTY: "秀洲区人民政府网",
    PORTAL: "中国江苏网",
    CDPF: "中国残联",
    CITY: "淮安新闻网",
    JPAAS: "海盐县人民政府网",
    JSONAPI: "中国残疾人就业创业网络服务平台",
    IFRAME: "淮阴区人民政府网",
}

XIUZHOU = Locale(
    "浙江省",
    "嘉兴市",
    "秀洲区",
    "区",
    ("王江泾镇", "油车港镇", "新塍镇", "王店镇", "洪合镇", "新城街道", "嘉北街道", "高照街道"),
    "嘉兴日报",
)
JIANGSU = (
    Locale(
        "江苏省",
        "淮安市",
        "金湖县",
        "县",
        ("黎城街道", "金南镇", "戴楼街道", "银涂镇", "塔集镇", "前锋镇", "吕良镇"),
        "淮安日报",
    ),
    Locale(
        "江苏省", "南通市", "海安市", "市", ("城东镇", "曲塘镇", "李堡镇", "角斜镇", "雅周镇"), "南通日报"
    ),
    Locale(
        "江苏省", "徐州市", "沛县", "县", ("龙固镇", "杨屯镇", "大屯街道", "胡寨镇", "魏庙镇"), "徐州日报"
    ),
    Locale(
        "江苏省", "扬州市", "高邮市", "市", ("界首镇", "临泽镇", "三垛镇", "汤庄镇", "卸甲镇"), "扬州日报"
    ),
)
NATIONAL = (
    Locale(
        "",
        "北京市",
        "全国",
        "国",
        ("四川省", "山东省", "广东省", "河南省", "湖北省", "甘肃省", "云南省", "黑龙江省"),
        "中国残疾人",
    ),
    Locale(
        "四川省", "成都市", "四川省", "省", ("成都市", "绵阳市", "宜宾市", "南充市", "泸州市"), "四川日报"
    ),
    Locale(
        "山东省", "济南市", "山东省", "省", ("济南市", "青岛市", "临沂市", "日照市", "潍坊市"), "大众日报"
    ),
)
HUAIAN = Locale(
    "江苏省",
    "淮安市",
    "淮安市",
    "市",
    ("清江浦区", "淮阴区", "淮安区", "洪泽区", "涟水县", "盱眙县", "金湖县"),
    "淮安日报",
)
HAIYAN = Locale(
    "浙江省",
    "嘉兴市",
    "海盐县",
    "县",
    ("武原街道", "西塘桥街道", "秦山街道", "望海街道", "沈荡镇", "百步镇", "于城镇", "澉浦镇", "通元镇"),
    "嘉兴日报",
)
HUAIYIN = Locale(
    "江苏省",
    "淮安市",
    "淮阴区",
    "区",
    ("王家营街道", "长江路街道", "古清口街道", "徐溜镇", "渔沟镇", "吴城镇", "南陈集镇", "码头镇"),
    "淮安日报",
)

_START = datetime(2018, 1, 2, tzinfo=SHANGHAI)
_DAYS = (datetime(2026, 6, 30, tzinfo=SHANGHAI) - _START).days
_WORK_MINUTES = 600  # publications fall between 08:00 and 18:00


def unit(seed: int, site: str, index: int, salt: str) -> float:
    """A uniform number in [0, 1) fixed by (seed, site, index, salt); cheap, no text generated."""
    digest = hashlib.blake2b(f"{seed}|{site}|{index}|{salt}".encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big") / 2**64


def publish_time(seed: int, site: str, index: int, count: int) -> datetime:
    """Article ``index`` of ``count`` is published in its own slot of the 2018-2026 span.

    Slots keep dates increasing with the index, so list pages (newest first) need no sorting and a
    republished copy at a later index is always dated after its original.
    """
    slot = _DAYS * _WORK_MINUTES / max(count, 1)
    position = int((index + 0.8 * unit(seed, site, index, "time")) * slot)
    day, minute = divmod(position, _WORK_MINUTES)
    return _START + timedelta(days=day, hours=8, minutes=minute)
