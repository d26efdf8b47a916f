"""Local stand-ins for the payment processors, on 127.0.0.1, for tests only.

- :class:`FakePayPal`: a small PayPal REST API (OAuth token, Orders v2 create /
  get / capture, capture refunds, verify-webhook-signature) that records every
  request it receives, so tests can see exactly what left the Platform.
- :class:`RecordingProxy`: forwards to another server (localstripe) and records
  what passes, optionally after a delay (a slow processor).
- :func:`start_localstripe`: localstripe (GPL) as a separate process through
  ``uv tool run``; it is never imported.
"""

from __future__ import annotations

import hashlib
import hmac
import http.client
import json
import os
import socket
import subprocess
import tempfile
import threading
import time
import uuid
import zlib
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from petite.core import tools


@dataclass
class Received:
    method: str
    path: str
    headers: dict[str, str]
    body: bytes

    @property
    def json(self) -> Any:
        return json.loads(self.body) if self.body else None

    @property
    def form(self) -> dict[str, str]:
        return dict(parse_qsl(self.body.decode()))


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


class _Server:
    """A threaded HTTP server whose handler calls ``self.handle``."""

    def __init__(self) -> None:
        self.received: list[Received] = []
        self.delay = 0.0
        owner = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, format: str, *args: Any) -> None:
                pass

            def _any(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                request = Received(self.command, self.path, dict(self.headers.items()), body)
                owner.received.append(request)
                if owner.delay:
                    time.sleep(owner.delay)
                status, headers, payload = owner.handle(request)
                try:
                    self.send_response(status)
                    for name, value in headers.items():
                        self.send_header(name, value)
                    self.send_header("Content-Length", str(len(payload)))
                    self.end_headers()
                    self.wfile.write(payload)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the client gave up (a timeout test)

            do_GET = do_POST = do_DELETE = do_PATCH = _any

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.port = self.server.server_address[1]
        self.url = f"http://127.0.0.1:{self.port}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def handle(self, request: Received) -> tuple[int, dict[str, str], bytes]:
        raise NotImplementedError

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    def requests_to(self, fragment: str, method: str = "POST") -> list[Received]:
        return [r for r in self.received if r.method == method and fragment in r.path]


def _json(status: int, body: Any) -> tuple[int, dict[str, str], bytes]:
    return status, {"Content-Type": "application/json"}, json.dumps(body).encode()


class RecordingProxy(_Server):
    """Forwards every request to ``target`` and records it."""

    def __init__(self, target: str) -> None:
        self.target = urlsplit(target)
        super().__init__()

    def handle(self, request: Received) -> tuple[int, dict[str, str], bytes]:
        connection = http.client.HTTPConnection(
            self.target.hostname or "127.0.0.1", self.target.port, timeout=30
        )
        headers = {k: v for k, v in request.headers.items() if k.lower() not in {"host"}}
        connection.request(request.method, request.path, body=request.body, headers=headers)
        response = connection.getresponse()
        payload = response.read()
        kept = {
            k: v
            for k, v in response.getheaders()
            if k.lower() not in {"content-length", "transfer-encoding", "connection"}
        }
        connection.close()
        return response.status, kept, payload


# --- PayPal ------------------------------------------------------------------------

WEBHOOK_KEY = b"fake-paypal-signing-key"


def paypal_signature(
    transmission_id: str, transmission_time: str, webhook_id: str, body: bytes
) -> str:
    """What the fake accepts as PayPal's signature (PayPal signs the same four parts)."""
    message = f"{transmission_id}|{transmission_time}|{webhook_id}|{zlib.crc32(body)}"
    return hmac.new(WEBHOOK_KEY, message.encode(), hashlib.sha256).hexdigest()


@dataclass
class FakePayPalState:
    orders: dict[str, dict[str, Any]] = field(default_factory=dict)
    by_request_id: dict[str, tuple[int, Any]] = field(default_factory=dict)
    decline_captures: bool = False
    fail_status: int = 0


class FakePayPal(_Server):
    """A small PayPal REST API."""

    def __init__(self) -> None:
        self.state = FakePayPalState()
        super().__init__()

    # Test controls --------------------------------------------------------------

    def approve(self, order_id: str) -> None:
        """The member approves the payment on PayPal's page."""
        self.state.orders[order_id]["status"] = "APPROVED"

    def reset(self) -> None:
        self.received.clear()
        self.state = FakePayPalState()
        self.delay = 0.0

    def order_for(self, custom_id: str) -> dict[str, Any]:
        for order in self.state.orders.values():
            if order["purchase_units"][0].get("custom_id") == custom_id:
                return order
        raise KeyError(custom_id)

    # The API -------------------------------------------------------------------

    def handle(self, request: Received) -> tuple[int, dict[str, str], bytes]:
        path = urlsplit(request.path).path
        if self.state.fail_status:
            return _json(self.state.fail_status, {"name": "INTERNAL_SERVER_ERROR"})
        if path == "/v1/oauth2/token":
            if not request.headers.get("Authorization", "").startswith("Basic "):
                return _json(401, {"error": "invalid_client"})
            return _json(
                200,
                {
                    "access_token": "A21-fake-" + uuid.uuid4().hex,
                    "token_type": "Bearer",
                    "expires_in": 32400,
                },
            )
        if not request.headers.get("Authorization", "").startswith("Bearer A21-fake-"):
            return _json(401, {"name": "AUTHENTICATION_FAILURE"})
        request_id = request.headers.get("PayPal-Request-Id", "")
        if request_id and request_id in self.state.by_request_id:
            status, body = self.state.by_request_id[request_id]
            return _json(status, body)
        status, body = self._route(request, path)
        if request_id and status < 300:
            self.state.by_request_id[request_id] = (status, body)
        return _json(status, body)

    def _route(self, request: Received, path: str) -> tuple[int, Any]:
        parts = path.strip("/").split("/")
        if path == "/v2/checkout/orders" and request.method == "POST":
            return self._create(request.json)
        if parts[:3] == ["v2", "checkout", "orders"] and len(parts) == 4:
            order = self.state.orders.get(parts[3])
            return (200, order) if order else (404, {"name": "RESOURCE_NOT_FOUND"})
        if parts[:3] == ["v2", "checkout", "orders"] and parts[-1] == "capture":
            return self._capture(parts[3])
        if parts[:3] == ["v2", "payments", "captures"] and parts[-1] == "refund":
            amount = (request.json or {}).get("amount")
            return 201, {
                "id": "REF-" + uuid.uuid4().hex[:12].upper(),
                "status": "COMPLETED",
                "amount": amount,
            }
        if path == "/v1/notifications/verify-webhook-signature":
            return self._verify(request)
        return 404, {"name": "RESOURCE_NOT_FOUND"}

    def _create(self, body: dict[str, Any]) -> tuple[int, Any]:
        order_id = uuid.uuid4().hex[:17].upper()
        order = {
            "id": order_id,
            "status": "PAYER_ACTION_REQUIRED",
            "intent": body.get("intent"),
            "purchase_units": body.get("purchase_units", []),
            "links": [
                {
                    "href": f"{self.url}/v2/checkout/orders/{order_id}",
                    "rel": "self",
                    "method": "GET",
                },
                {
                    "href": f"{self.url}/checkoutnow?token={order_id}",
                    "rel": "payer-action",
                    "method": "GET",
                },
            ],
        }
        self.state.orders[order_id] = order
        return 200, order

    def _capture(self, order_id: str) -> tuple[int, Any]:
        order = self.state.orders.get(order_id)
        if order is None:
            return 404, {"name": "RESOURCE_NOT_FOUND"}
        if order["status"] == "COMPLETED":
            return 422, {
                "name": "UNPROCESSABLE_ENTITY",
                "details": [{"issue": "ORDER_ALREADY_CAPTURED"}],
            }
        if order["status"] != "APPROVED":
            return 422, {
                "name": "UNPROCESSABLE_ENTITY",
                "details": [{"issue": "ORDER_NOT_APPROVED"}],
            }
        unit = order["purchase_units"][0]
        capture_status = "DECLINED" if self.state.decline_captures else "COMPLETED"
        unit["payments"] = {
            "captures": [
                {
                    "id": "CAP-" + uuid.uuid4().hex[:12].upper(),
                    "status": capture_status,
                    "amount": unit["amount"],
                    "custom_id": unit.get("custom_id"),
                }
            ]
        }
        order["status"] = "COMPLETED" if capture_status == "COMPLETED" else "APPROVED"
        return 201, order

    def _verify(self, request: Received) -> tuple[int, Any]:
        body = request.json or {}
        # The event must be the one received, byte for byte.
        raw_event = json.dumps(body.get("webhook_event"), separators=(",", ":")).encode()
        expected = paypal_signature(
            str(body.get("transmission_id")),
            str(body.get("transmission_time")),
            str(body.get("webhook_id")),
            raw_event,
        )
        ok = hmac.compare_digest(expected, str(body.get("transmission_sig")))
        return 200, {"verification_status": "SUCCESS" if ok else "FAILURE"}


# --- localstripe -------------------------------------------------------------------


def start_localstripe(port: int) -> subprocess.Popen[bytes] | None:
    """localstripe as its own process (GPL: never imported); None when it cannot run."""
    # Through the project's own paths: a fresh machine has uv in ~/.local/bin only.
    uv = tools.find("uv", env="PETITE_UV")
    if uv is None:
        return None
    env = {**os.environ, "UV_PYTHON_DOWNLOADS": "never"}
    # localstripe keeps its state in this fixed file: start from a clean one (a run
    # killed while it was writing leaves a truncated file it cannot load). Only one
    # instance runs at a time: its tests share one xdist group (tests/conftest.py).
    Path("/tmp/localstripe.pickle").unlink(missing_ok=True)  # noqa: S108 (localstripe's own path)
    process = subprocess.Popen(  # noqa: S603 (fixed arguments, no shell)
        [uv, "tool", "run", "--from", "localstripe", "localstripe", "--port", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env=env,
        cwd=tempfile.gettempdir(),  # outside the project's environment
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            return None
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return process
        except OSError:
            time.sleep(0.2)
    process.terminate()
    return None
