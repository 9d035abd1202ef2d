"""Webhook formats, signatures and delivery (to a loopback server), and alerts after runs."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import threading
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, unquote_plus, urlsplit

import pytest
from sqlalchemy import Engine

from crawler.healthcheck import check_after_run
from crawler.notify import Alert, Notifier, WebhookFormat, detect_format, payload, sign
from storage.runs import close_run, finish_run, start_run
from storage.transactions import write_transaction

AT = datetime(2026, 3, 10, 18, 0, tzinfo=UTC)
ALERT = Alert(
    "alpha", "failing", [("blocked", "failing", "blocked by an anti-bot challenge: HTTP 412 ×5")], 7, AT
)


class Hook:
    """A loopback webhook that records what it receives and answers with `answer`."""

    def __init__(self) -> None:
        self.received: list[tuple[str, dict[str, Any]]] = []
        self.answer = b'{"errcode": 0}'
        hook = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers["Content-Length"]))
                hook.received.append((self.path, json.loads(body)))
                self.send_response(200)
                self.send_header("Content-Length", str(len(hook.answer)))
                self.end_headers()
                self.wfile.write(hook.answer)

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/robot/send?access_token=t"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()


@pytest.fixture
def hook(monkeypatch: pytest.MonkeyPatch) -> Iterator[Hook]:
    for name in ("http_proxy", "HTTP_PROXY", "all_proxy", "ALL_PROXY"):
        monkeypatch.delenv(name, raising=False)  # only 127.0.0.1, never a proxy
    server = Hook()
    yield server
    server.server.shutdown()
    server.server.server_close()


def test_format_follows_the_bot_host() -> None:
    assert detect_format("https://oapi.dingtalk.com/robot/send?access_token=x") is WebhookFormat.DINGTALK
    assert detect_format("https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=x") is WebhookFormat.WECOM
    assert detect_format("https://open.feishu.cn/open-apis/bot/v2/hook/x") is WebhookFormat.FEISHU
    assert detect_format("https://ops.example.org/hooks/canlian") is WebhookFormat.JSON


def test_bot_payloads() -> None:
    text = ALERT.text()
    assert text.startswith("canlian-archive: alpha failing") and "HTTP 412 ×5" in text
    assert payload(ALERT, WebhookFormat.DINGTALK) == {"msgtype": "text", "text": {"content": text}}
    assert payload(ALERT, WebhookFormat.WECOM) == {"msgtype": "text", "text": {"content": text}}
    assert payload(ALERT, WebhookFormat.FEISHU) == {"msg_type": "text", "content": {"text": text}}
    plain = payload(ALERT, WebhookFormat.JSON)
    assert plain["event"] == "site_health" and plain["findings"][0]["cause"] == "blocked"


def test_signatures() -> None:
    url = sign(WebhookFormat.DINGTALK, "https://oapi.dingtalk.com/robot/send?access_token=x", {}, "SEC", AT)
    query = parse_qs(urlsplit(url).query)
    stamp = query["timestamp"][0]
    assert stamp == str(int(AT.timestamp() * 1000))
    expected = hmac.new(b"SEC", f"{stamp}\nSEC".encode(), hashlib.sha256).digest()
    assert base64.b64decode(unquote_plus(url.split("sign=")[1])) == expected
    body: dict[str, Any] = {}
    assert (
        sign(WebhookFormat.FEISHU, "https://open.feishu.cn/x", body, "SEC", AT) == "https://open.feishu.cn/x"
    )
    digest = hmac.new(f"{int(AT.timestamp())}\nSEC".encode(), b"", hashlib.sha256).digest()
    assert body == {"timestamp": str(int(AT.timestamp())), "sign": base64.b64encode(digest).decode()}


def test_delivery_and_refusals(hook: Hook) -> None:
    notifier = Notifier(hook.url, WebhookFormat.DINGTALK, secret="SEC")
    assert notifier.send(ALERT)
    path, body = hook.received[-1]
    assert "timestamp=" in path and "sign=" in path and body["msgtype"] == "text"
    hook.answer = b'{"errcode": 310000, "errmsg": "keywords not in content"}'
    assert not notifier.send(ALERT)  # HTTP 200 with an error code is a failure
    assert not Notifier("http://127.0.0.1:9/", timeout=2).send(ALERT)  # nothing listens: logged, no raise


def _run(engine: Engine, stats: dict[str, int], start: datetime) -> int:
    run_id = write_transaction(engine, lambda s: start_run(s, "alpha", "scheduled", start).id)

    def close(session: Any) -> None:
        finish_run(session, run_id, "finished", stats, start + timedelta(minutes=1))
        close_run(session, run_id, None, 0, "exit status 0", start + timedelta(minutes=1))

    write_transaction(engine, close)
    return run_id


def test_alerts_after_runs_are_suppressed_until_recovery(engine: Engine, hook: Hook) -> None:
    notifier = Notifier(hook.url, WebhookFormat.JSON)
    good = {"archive/pages": 10, "archive/new": 10, "downloader/response_count": 12}
    blocked = {"blocked/412": 6, "blocked/total": 6, "downloader/response_count": 7}
    for day in range(3):
        check_after_run(engine, _run(engine, good, AT + timedelta(days=day)), notifier)
    assert hook.received == []
    for hour in range(3):  # the same cause three times: one alert
        moment = AT + timedelta(days=3, hours=hour)
        health = check_after_run(engine, _run(engine, blocked, moment), notifier, now=moment)
        assert health.state == "failing"
    assert [body["event"] for _, body in hook.received] == ["site_health"]
    assert hook.received[0][1]["findings"][0]["cause"] == "blocked"
    moment = AT + timedelta(days=4)
    check_after_run(engine, _run(engine, good, moment), notifier, now=moment)
    assert [body["event"] for _, body in hook.received] == ["site_health", "site_recovered"]


def test_a_failed_delivery_is_retried_on_the_next_run(engine: Engine, hook: Hook) -> None:
    notifier = Notifier(hook.url, WebhookFormat.WECOM)
    hook.answer = b'{"errcode": 93000, "errmsg": "invalid webhook url"}'
    blocked = {"blocked/412": 6, "blocked/total": 6}
    check_after_run(engine, _run(engine, blocked, AT), notifier, now=AT)
    hook.answer = b'{"errcode": 0}'
    moment = AT + timedelta(hours=1)
    check_after_run(engine, _run(engine, blocked, moment), notifier, now=moment)
    assert len(hook.received) == 2  # not suppressed: the first one never arrived
