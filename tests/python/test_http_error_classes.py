"""Real HTTP clients' errors get the error_class docs/gateway.md's table promises (issue 15 item 5).

requests, httpx (sync and async) and aiohttp make real requests from a ToolGateway tool, on
loopback only: a closed port, a name under the reserved `.invalid` TLD (RFC 6761: never
resolves), a server that accepts the connection and never answers (a short client timeout), and
a server answering 429 / 503 (`raise_for_status`). The test pins the exception each library
raises too, so a release that changes its errors shows up here."""

import asyncio
import concurrent.futures
import inspect
import socket
import threading
import warnings
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Callable

import pytest

import tooltrail
from tooltrail.testing import Recorder

TRACE = "4bf92f3577b34da6a3ce929d0e0e4736"
DNS_NAME = "nosuchhost.invalid"
# Long enough that a refused connection or a failed lookup never turns into a timeout.
SLOW = 30.0
# The never-answering server: any timeout fires, how soon does not matter.
SHORT = 0.2


def requests_get(url: str, timeout: float) -> None:
    requests = pytest.importorskip("requests")
    with requests.Session() as s:
        s.trust_env = False  # no proxy from the environment: loopback only
        s.get(url, timeout=timeout).raise_for_status()


def httpx_get(url: str, timeout: float) -> None:
    httpx = pytest.importorskip("httpx")
    with httpx.Client(trust_env=False, timeout=timeout) as c:
        c.get(url).raise_for_status()


async def httpx_aget(url: str, timeout: float) -> None:
    httpx = pytest.importorskip("httpx")
    async with httpx.AsyncClient(trust_env=False, timeout=timeout) as c:
        (await c.get(url)).raise_for_status()


async def aiohttp_get(url: str, timeout: float) -> None:
    aiohttp = pytest.importorskip("aiohttp")
    t = aiohttp.ClientTimeout(sock_connect=timeout, sock_read=timeout)
    async with aiohttp.ClientSession(timeout=t) as s, s.get(url, raise_for_status=True) as r:
        await r.read()


async def aiohttp_get_total(url: str, timeout: float) -> None:
    """aiohttp with only a total deadline (`ClientTimeout(total=…)`)."""
    aiohttp = pytest.importorskip("aiohttp")
    async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=timeout)) as s, s.get(url) as r:
        r.raise_for_status()


CLIENTS: dict[str, Callable[[str, float], Any]] = {
    "requests": requests_get,
    "httpx": httpx_get,
    "httpx-async": httpx_aget,
    "aiohttp": aiohttp_get,
}

# (client, case) -> the exception the library raises (its class name) and the logged class.
EXPECTED = {
    ("requests", "refused"): ("ConnectionError", "network"),
    ("requests", "dns"): ("ConnectionError", "network"),
    ("requests", "silent"): ("ReadTimeout", "timeout"),
    ("requests", 429): ("HTTPError", "rate_limited"),
    ("requests", 503): ("HTTPError", "http_5xx"),
    ("httpx", "refused"): ("ConnectError", "network"),
    ("httpx", "dns"): ("ConnectError", "network"),
    ("httpx", "silent"): ("ReadTimeout", "timeout"),
    ("httpx", 429): ("HTTPStatusError", "rate_limited"),
    ("httpx", 503): ("HTTPStatusError", "http_5xx"),
    ("httpx-async", "refused"): ("ConnectError", "network"),
    ("httpx-async", "dns"): ("ConnectError", "network"),
    ("httpx-async", "silent"): ("ReadTimeout", "timeout"),
    ("httpx-async", 429): ("HTTPStatusError", "rate_limited"),
    ("httpx-async", 503): ("HTTPStatusError", "http_5xx"),
    ("aiohttp", "refused"): ("ClientConnectorError", "network"),
    ("aiohttp", "dns"): ("ClientConnectorDNSError", "network"),
    ("aiohttp", "silent"): ("SocketTimeoutError", "timeout"),
    ("aiohttp", 429): ("ClientResponseError", "rate_limited"),
    ("aiohttp", 503): ("ClientResponseError", "http_5xx"),
}


class _Status(BaseHTTPRequestHandler):
    """Answers GET /NNN with status NNN."""

    def do_GET(self) -> None:
        self.send_response(int(self.path.strip("/")))
        self.send_header("Content-Length", "0")
        self.send_header("Connection", "close")
        self.end_headers()

    def log_message(self, *args: Any) -> None:  # quiet
        pass


@pytest.fixture(scope="module")
def status_server() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Status)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()
    thread.join()


@pytest.fixture(scope="module")
def silent_server() -> Iterator[str]:
    """Listens and never accepts: the kernel completes the handshake and takes the request, no
    answer ever comes."""
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    s.listen(64)
    yield f"http://127.0.0.1:{s.getsockname()[1]}/"
    s.close()


@pytest.fixture(scope="module")
def closed_port() -> str:
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return f"http://127.0.0.1:{port}/"


@pytest.fixture(scope="module")
def invalid_name() -> str:
    """The `.invalid` URL, if the resolver here says so quickly; else the DNS cases skip."""
    pool = concurrent.futures.ThreadPoolExecutor(1)
    lookup = pool.submit(socket.getaddrinfo, DNS_NAME, 80)
    try:
        lookup.result(timeout=10)
    except socket.gaierror:
        return f"http://{DNS_NAME}/"
    except concurrent.futures.TimeoutError:
        pytest.skip(f"resolving {DNS_NAME} does not fail fast here")
    finally:
        pool.shutdown(wait=False)
    pytest.skip(f"the resolver here answers for {DNS_NAME}")


def logged(get: Callable[[str, float], Any], url: str, timeout: float) -> tuple[BaseException, str]:
    """Calls `get` from a gateway tool; the exception the tool raised and its logged class."""
    rec = Recorder()
    gw = tooltrail.ToolGateway(impls={"get": get}, logger=rec)
    ctx = {"run_id": "r", "trace_id": TRACE, "request_id": "q"}
    args = {"url": url, "timeout": timeout}
    with pytest.raises(Exception) as raised:
        if inspect.iscoroutinefunction(get):
            asyncio.run(gw.acall(ctx, "get", args))
        else:
            gw.call(ctx, "get", args)
    rec.flush()
    [call] = rec.calls()
    assert call["ok"] is False
    return raised.value, call["error_class"]


def check(client: str, case: object, url: str, timeout: float) -> None:
    exc, error_class = logged(CLIENTS[client], url, timeout)
    raises, expected = EXPECTED[(client, case)]
    names = [c.__name__ for c in type(exc).__mro__]
    assert raises in names, f"{client} raised {type(exc).__module__}.{type(exc).__name__}: {exc!r}"
    assert error_class == expected, f"{client} {case}: {type(exc).__name__} ({exc!r}) logged as {error_class}"


@pytest.mark.parametrize("client", CLIENTS)
def test_a_refused_connection_is_network(client: str, closed_port: str) -> None:
    check(client, "refused", closed_port, SLOW)


@pytest.mark.parametrize("client", CLIENTS)
def test_a_name_that_does_not_resolve_is_network(client: str, invalid_name: str) -> None:
    check(client, "dns", invalid_name, SLOW)


@pytest.mark.parametrize("client", CLIENTS)
def test_a_server_that_never_answers_is_timeout(client: str, silent_server: str) -> None:
    check(client, "silent", silent_server, SHORT)


def test_aiohttp_total_deadline_is_timeout(silent_server: str) -> None:
    # ClientTimeout(total=…) raises asyncio's TimeoutError, not a ServerTimeoutError.
    exc, error_class = logged(aiohttp_get_total, silent_server, SHORT)
    assert isinstance(exc, asyncio.TimeoutError), repr(exc)
    assert error_class == "timeout"


@pytest.mark.parametrize("status", [429, 503])
@pytest.mark.parametrize("client", CLIENTS)
def test_an_error_status_is_classified_by_status(client: str, status: int, status_server: str) -> None:
    # Reading the facts must not set off a library's deprecation warnings (aiohttp's
    # ClientResponseError.code warns; the status is at .status).
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        check(client, status, f"{status_server}/{status}", SLOW)
    assert [str(w.message) for w in caught if issubclass(w.category, DeprecationWarning)] == []
