"""A deliberately flaky local HTTP API for the example agents (loopback only).

GET  /orders?user=U     -> 200, or 429 / 503 on a fixed schedule
GET  /invoice?id=N      -> 200; every 4th answer is "200 with an error payload"
POST /email             -> 200; sometimes sleeps past the client's timeout

Run: python examples/fake_api.py PORT_FILE  (writes the chosen port, serves
until killed). The schedule is deterministic, so runs are reproducible.
"""

import itertools
import json
import sys
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlparse

counter = itertools.count(1)


class Handler(BaseHTTPRequestHandler):
    def log_message(self, *args):  # keep the demo output clean
        pass

    def reply(self, status, body):
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        try:
            self.wfile.write(data)
        except BrokenPipeError:
            pass  # the client timed out first, as the slow path intends

    def do_GET(self):
        n = next(counter)
        url = urlparse(self.path)
        q = parse_qs(url.query)
        if url.path == "/orders":
            if n % 7 == 3:
                return self.reply(429, {"error": "rate limited"})
            if n % 11 == 5:
                return self.reply(503, {"error": "unavailable"})
            user = q.get("user", ["?"])[0]
            return self.reply(200, {"user": user, "orders": [{"id": 100 + n % 5, "total": 19.99}]})
        if url.path == "/invoice":
            if n % 4 == 0:
                return self.reply(200, {"error": "invoice service degraded"})
            return self.reply(200, {"id": q.get("id", ["0"])[0], "amount": 19.99, "email": "customer@example.com"})
        self.reply(404, {"error": "not found"})

    def do_POST(self):
        n = next(counter)
        length = int(self.headers.get("Content-Length") or 0)
        self.rfile.read(length)
        if n % 9 == 0:
            time.sleep(1.5)  # past the agents' 1 s timeout
        self.reply(200, {"status": "queued"})


def main():
    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    with open(sys.argv[1], "w") as f:
        f.write(str(server.server_address[1]))
    server.serve_forever()


if __name__ == "__main__":
    main()
