"""W3C traceparent helpers: a tool passes the trace on to the services it calls."""

import pytest

import tooltrail

TRACE = "4bf92f3577b34da6a3ce929d0e0e4736"


def test_build_and_parse():
    header = tooltrail.traceparent(TRACE, "00f067aa0ba902b7")
    assert header == f"00-{TRACE}-00f067aa0ba902b7-01"
    assert tooltrail.traceparent(TRACE, "00f067aa0ba902b7", sampled=False).endswith("-00")
    assert tooltrail.parse_traceparent(header) == (TRACE, "00f067aa0ba902b7", True)


@pytest.mark.parametrize("trace_id,span_id", [
    ("4bf9", "00f067aa0ba902b7"),
    (TRACE.upper(), "00f067aa0ba902b7"),
    ("0" * 32, "00f067aa0ba902b7"),
    (TRACE, "0" * 16),
])
def test_bad_ids_raise(trace_id, span_id):
    with pytest.raises(ValueError):
        tooltrail.traceparent(trace_id, span_id)


@pytest.mark.parametrize("header", ["", "01-" + TRACE + "-00f067aa0ba902b7-01", "00-" + TRACE + "-xyz-01"])
def test_bad_headers_parse_to_none(header):
    assert tooltrail.parse_traceparent(header) is None


def test_a_run_passes_its_trace_on(tmp_path):
    """An incoming header continues into the run; the run's own header, handed
    to a downstream service, parses back to the run's trace and span."""
    incoming = tooltrail.traceparent(TRACE, "00f067aa0ba902b7")
    gw = tooltrail.ToolGateway(impls={}, logger=tooltrail.EventWriter(tmp_path))
    with gw.run(request_id="req-tp", traceparent=incoming) as run:
        outgoing = run.traceparent()
        trace_id, parent, sampled = tooltrail.parse_traceparent(outgoing)
        assert (trace_id, sampled) == (TRACE, True)
        assert parent == run.ctx.parent_span_id != "00f067aa0ba902b7"
        assert tooltrail.traceparent(run.trace_id, run.ctx.parent_span_id) == outgoing
    gw._logger.close(2.0)
