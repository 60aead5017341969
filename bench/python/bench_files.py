"""What the per-call bench and the stalled-sink run both read off a finished
run: the lines on disk and the versions measured."""

import platform


def count_lines(paths):
    lines = drop_reports = 0
    for p in paths:
        with open(p, "rb") as f:
            while chunk := f.read(1 << 22):
                lines += chunk.count(b"\n")
                drop_reports += chunk.count(b'"event":"writer_dropped"')
    return lines, drop_reports


def versions():
    out = {"python": platform.python_version()}
    for mod in ("tooltrail", "structlog", "orjson"):
        try:
            out[mod] = __import__(mod).__version__
        except Exception:
            pass
    try:
        from importlib.metadata import version

        out["opentelemetry-sdk"] = version("opentelemetry-sdk")
    except Exception:
        pass
    return out
