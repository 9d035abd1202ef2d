"""Health alerts to a webhook: plain JSON, or the DingTalk / WeCom / Feishu group-bot formats.

Which alerts go out is decided elsewhere (storage.scheduling.claim_alert suppresses repeats); this module
only formats and posts, and never raises: a broken webhook must not stop the nightly crawls. Failures are
logged, and the bots' "HTTP 200 with an error code" answers count as failures too.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import logging
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any

logger = logging.getLogger(__name__)
TITLE = "canlian-archive"  # DingTalk bots with keyword security need this word in every message


class WebhookFormat(StrEnum):
    JSON = "json"
    DINGTALK = "dingtalk"
    WECOM = "wecom"
    FEISHU = "feishu"


_HOSTS = {
    "oapi.dingtalk.com": WebhookFormat.DINGTALK,
    "qyapi.weixin.qq.com": WebhookFormat.WECOM,
    "open.feishu.cn": WebhookFormat.FEISHU,
    "open.larksuite.com": WebhookFormat.FEISHU,
}


def detect_format(url: str) -> WebhookFormat:
    return _HOSTS.get(urllib.parse.urlsplit(url).hostname or "", WebhookFormat.JSON)


@dataclass(frozen=True, slots=True)
class Alert:
    site_key: str
    state: str  # failing | warning | ok (a recovery notice)
    findings: Sequence[tuple[str, str, str]]  # (cause, level, message); on recovery: the causes resolved
    run_id: int | None
    at: datetime

    @property
    def recovered(self) -> bool:
        return self.state == "ok"

    def text(self) -> str:
        when = self.at.strftime("%Y-%m-%d %H:%M %Z").strip()
        if self.recovered:
            head = f"{TITLE}: {self.site_key} recovered ({when})"
            lines = [f"- resolved: {cause}: {message}" for cause, _, message in self.findings]
        else:
            head = f"{TITLE}: {self.site_key} {self.state} ({when}, run {self.run_id})"
            lines = [f"- {cause} [{level}]: {message}" for cause, level, message in self.findings]
        return "\n".join([head, *lines])

    def to_json(self) -> dict[str, Any]:
        return {
            "source": TITLE,
            "event": "site_recovered" if self.recovered else "site_health",
            "site": self.site_key,
            "state": self.state,
            "run_id": self.run_id,
            "at": self.at.isoformat(),
            "findings": [{"cause": c, "level": lv, "message": m} for c, lv, m in self.findings],
            "text": self.text(),
        }


def payload(alert: Alert, fmt: WebhookFormat) -> dict[str, Any]:
    text = alert.text()
    if fmt in (WebhookFormat.DINGTALK, WebhookFormat.WECOM):
        return {"msgtype": "text", "text": {"content": text}}
    if fmt is WebhookFormat.FEISHU:
        return {"msg_type": "text", "content": {"text": text}}
    return alert.to_json()


def sign(fmt: WebhookFormat, url: str, body: dict[str, Any], secret: str, now: datetime) -> str:
    """Add the bot's signature ("加签" security setting) to the URL or body; returns the URL to post to."""
    if fmt is WebhookFormat.DINGTALK:
        stamp = str(int(now.timestamp() * 1000))
        digest = hmac.new(secret.encode(), f"{stamp}\n{secret}".encode(), hashlib.sha256).digest()
        signature = urllib.parse.quote_plus(base64.b64encode(digest).decode())
        return f"{url}{'&' if '?' in url else '?'}timestamp={stamp}&sign={signature}"
    if fmt is WebhookFormat.FEISHU:
        stamp = str(int(now.timestamp()))
        digest = hmac.new(f"{stamp}\n{secret}".encode(), b"", hashlib.sha256).digest()
        body["timestamp"], body["sign"] = stamp, base64.b64encode(digest).decode()
    return url


class Notifier:
    def __init__(
        self, url: str, fmt: WebhookFormat | None = None, secret: str | None = None, timeout: float = 10.0
    ) -> None:
        self.url = url
        self.fmt = fmt or detect_format(url)
        self.secret = secret
        self.timeout = timeout

    def send(self, alert: Alert) -> bool:
        body = payload(alert, self.fmt)
        url = sign(self.fmt, self.url, body, self.secret, alert.at) if self.secret else self.url
        request = urllib.request.Request(
            url,
            data=json.dumps(body, ensure_ascii=False).encode(),
            headers={"Content-Type": "application/json; charset=utf-8"},
            method="POST",
        )
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:
                answer = response.read()
        except (urllib.error.URLError, OSError, ValueError) as error:
            logger.warning("webhook %s failed for %s: %s", self.fmt, alert.site_key, error)
            return False
        refusal = _bot_error(answer)
        if refusal:
            logger.warning("webhook %s refused the alert for %s: %s", self.fmt, alert.site_key, refusal)
            return False
        return True


def _bot_error(answer: bytes) -> str | None:
    """DingTalk and WeCom answer {"errcode": 0}, Feishu {"code": 0}: anything else is a refusal."""
    try:
        document = json.loads(answer or b"{}")
    except ValueError:
        return None  # a plain JSON endpoint may answer anything with a 2xx
    if not isinstance(document, dict):
        return None
    for key in ("errcode", "code", "StatusCode"):
        if document.get(key) not in (None, 0):
            return str(document.get("errmsg") or document.get("msg") or document)
    return None
