"""The sample sites added for the JPaaS, JSON-API and iframe list strategies (no network: `respond`)."""

from __future__ import annotations

import json
from urllib.parse import quote

from sampleweb import SampleWeb

N = 30
WEB = SampleWeb(2026, N)
UNIT = "/api-gateway/jpaas-publish-server/front/page/build/unit"
IDS = "parseType=bulidstatic&webId=3365&pageId=1229502117&tplSetId=5b1f0c6a8e2d4e7fa1c39d0b64e2f8a7"


def get(site: str, path: str) -> tuple[int, dict[str, str], bytes]:
    return WEB.respond(site, "GET", path, None, "http://127.0.0.1:8000")


def unit(page_no: int, extra: str = "") -> dict:
    param = quote(json.dumps({"pageNo": page_no, "pageSize": 15}))
    path = f"{UNIT}?{IDS}&tagId={quote('信息列表')}&paramJson={param}{extra}"
    return json.loads(get("sample-jpaas", path)[2])


def test_jpaas_unit_api_pages_only_through_param_json_and_checks_ids() -> None:
    first, second, past = unit(1), unit(2), unit(4)
    assert first["success"] and first["data"]["html"].count("<li>") == 15
    assert second["data"]["html"].count("<li>") == 15 and first != second
    assert past["data"]["html"].count("<li>") == 0
    assert unit(1, "&pageNo=2") == first, "a top-level pageNo is ignored"
    wrong = json.loads(get("sample-jpaas", f"{UNIT}?parseType=bulidstatic&webId=1")[2])
    assert wrong["success"] is False and wrong["data"] is None
    column = get("sample-jpaas", "/col/col1229502117/index.html")[2].decode()
    assert "AuthorizedRead/unitbuild.js" in column and "'pageId':'1229502117'" in column
    assert "/art_" not in column, "the shell lists nothing itself"


def test_jsonapi_records_and_detail_pages() -> None:
    status, headers, body = get(
        "sample-jsonapi", "/api/app-jycy-consultation/getHomeInformationList?pageNum=1&pageSize=20"
    )
    assert status == 200 and headers["Content-Type"] == "application/json"
    data = json.loads(body)["data"]
    assert (data["total"], data["size"], data["current"], len(data["records"])) == (N, 20, 1, 20)
    record = data["records"][0]
    assert set(record) >= {"id", "title", "conAbstract", "source", "createTime"} and isinstance(
        record["id"], str
    )
    truth = WEB.truth_by_path("sample-jsonapi", f"/news/newDetail?id={record['id']}")
    assert truth is not None and truth.title == record["title"] and truth.relevant
    assert get("sample-jsonapi", "/news/newDetail?id=1")[0] == 404
    assert b'<div id="app"></div>' in get("sample-jsonapi", "/")[2]


def test_iframe_shell_frame_pages_and_other_columns() -> None:
    shell = get("sample-iframe", "/xwzx/bmdt/index.html")[2].decode()
    assert 'src="/xwzx/bmdt/list_1.html"' in shell and "/doc/" not in shell
    frame = get("sample-iframe", "/xwzx/bmdt/list_1.html")[2].decode()
    assert frame.count('<li><a href="/doc/') == 15 and 'href="list_2.html">下一页' in frame
    assert 'href="/xwzx/tzgg/list_2.html">下一页' in frame
    assert get("sample-iframe", "/xwzx/tzgg/list_2.html")[0] == 404
    assert get("sample-iframe", "/xwzx/bmdt/list_3.html")[0] == 404
    kinds = {r.relevant for r in WEB.truth() if r.site == "sample-iframe"}
    assert kinds == {True, False}
