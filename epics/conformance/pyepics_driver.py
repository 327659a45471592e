#!/usr/bin/python3
"""Drives pyepics (libca) through a list of operations and prints the results as JSON.

Input (stdin): {"ops": [{"op": ..., ...}, ...]}. Output (stdout): one JSON line per event; the last one is
{"results": [...]}, one entry per operation, each with "ok" and either its data or "error". Once a
bench_monitor operation has subscribed it prints {"ready": <index>}, so the caller can post its updates
while Python counts them. NaN and infinities are sent as the strings "NaN", "Infinity", "-Infinity".
EPICS_CA_ADDR_LIST, EPICS_CA_AUTO_ADDR_LIST and EPICS_CA_SERVER_PORT come from the environment.
"""
import ctypes
import json
import math
import statistics
import sys
import time

import epics.ca as ca
import epics.dbr as dbr

# Channels are cached by name for the whole run: connecting is part of what some operations measure.
channels = {}


def clean(value):
    """Makes a value JSON-safe: numpy arrays and tuples to lists, non-finite floats to strings."""
    if hasattr(value, "tolist"):
        value = value.tolist()
    if isinstance(value, ctypes.Array):
        value = list(value)
    if isinstance(value, (list, tuple)):
        return [clean(v) for v in value]
    if isinstance(value, dict):
        return {str(k): clean(v) for k, v in value.items()}
    if isinstance(value, bytes):
        return value.decode("latin-1")
    if isinstance(value, float) and not math.isfinite(value):
        return "NaN" if math.isnan(value) else ("Infinity" if value > 0 else "-Infinity")
    return value


def emit(obj):
    sys.stdout.write(json.dumps(clean(obj)) + "\n")
    sys.stdout.flush()


def channel(name, timeout=5.0):
    chid = channels.get(name)
    if chid is None:
        chid = ca.create_channel(name, connect=False, auto_cb=False)
        channels[name] = chid
    if not ca.connect_channel(chid, timeout=timeout):
        raise RuntimeError("PV %s did not connect within %s s" % (name, timeout))
    return chid


def form_type(chid, form):
    if form == "time":
        return ca.promote_type(chid, use_time=True)
    if form == "ctrl":
        return ca.promote_type(chid, use_ctrl=True)
    return ca.field_type(chid)


def op_connect(op):
    """Creates every channel first (libca searches them together), then waits for each."""
    timeout = op.get("timeout", 5.0)
    t0 = time.perf_counter()
    chids = [ca.create_channel(n, connect=False, auto_cb=False) for n in op["pvs"]]
    for n, c in zip(op["pvs"], chids):
        channels[n] = c
    connected = [ca.connect_channel(c, timeout=timeout) for c in chids]
    elapsed = time.perf_counter() - t0
    info = []
    for n, c, ok in zip(op["pvs"], chids, connected):
        entry = {"pv": n, "connected": bool(ok)}
        if ok:
            entry.update(
                field_type=dbr.Name(ca.field_type(c)),
                count=ca.element_count(c),
                host=ca.host_name(c),
                read=bool(ca.read_access(c)),
                write=bool(ca.write_access(c)),
            )
        info.append(entry)
    return {"elapsed_ms": elapsed * 1000, "channels": info}


def op_get(op):
    chid = channel(op["pv"])
    form = op.get("form", "native")
    kw = {"count": op.get("count"), "as_string": op.get("as_string", False), "as_numpy": False, "timeout": op.get("timeout", 5.0)}
    if "ftype" in op:
        return {"value": ca.get(chid, ftype=op["ftype"], **kw)}
    if form == "native":
        return {"value": ca.get(chid, **kw)}
    meta = ca.get_with_metadata(chid, ftype=form_type(chid, form), **kw)
    if meta is None:
        raise RuntimeError("get of %s returned nothing" % op["pv"])
    return meta


def op_put(op):
    chid = channel(op["pv"])
    t0 = time.perf_counter()
    status = ca.put(chid, op["value"], wait=op.get("wait", False), timeout=op.get("timeout", 5.0))
    elapsed = time.perf_counter() - t0
    return {"status": status, "elapsed_s": elapsed}


def op_monitor(op):
    """Subscribes, optionally puts values itself, and collects `expect` updates (or what came before the limit)."""
    chid = channel(op["pv"])
    events = []

    def callback(value=None, status=None, severity=None, timestamp=None, **kw):
        events.append({"value": value, "status": status, "severity": severity, "timestamp": timestamp})

    mask = op.get("mask", dbr.DBE_VALUE | dbr.DBE_ALARM)
    sub = ca.create_subscription(chid, use_time=True, mask=mask, callback=callback)
    deadline = time.time() + op.get("timeout", 5.0)
    # Wait for the first (current value) event before changing anything.
    while not events and time.time() < deadline:
        ca.poll(evt=1e-3, iot=0.01)
    for value in op.get("puts", []):
        ca.put(chid, value, wait=True)
    while len(events) < op["expect"] and time.time() < deadline:
        ca.poll(evt=1e-3, iot=0.01)
    ca.clear_subscription(sub[2])
    return {"events": events}


def op_bench_get(op):
    chid = channel(op["pv"])
    ftype = form_type(chid, op.get("form", "time"))
    for _ in range(op.get("warmup", 200)):
        ca.get(chid, ftype=ftype, as_numpy=False)
    rtts = []
    for _ in range(op["n"]):
        t0 = time.perf_counter()
        ca.get(chid, ftype=ftype, as_numpy=False)
        rtts.append((time.perf_counter() - t0) * 1e6)
    return {"median_us": statistics.median(rtts), "n": len(rtts)}


def op_bench_connect(op):
    """Searches for and connects fresh channels (cleared afterwards, so every round searches anew)."""
    t0 = time.perf_counter()
    chids = [ca.create_channel(n, connect=False, auto_cb=False) for n in op["pvs"]]
    ok = all(ca.connect_channel(c, timeout=op.get("timeout", 5.0)) for c in chids)
    elapsed = time.perf_counter() - t0
    for c in chids:
        ca.clear_channel(c)
    ca.poll()
    if not ok:
        raise RuntimeError("not every channel connected")
    return {"elapsed_ms": elapsed * 1000}


def op_bench_monitor(op):
    """Counts updates of a PV the caller changes after the ready line, until the value `last` arrives."""
    chid = channel(op["pv"])
    state = {"n": 0, "first": None, "end": None}
    last = op["last"]

    def callback(value=None, **kw):
        now = time.perf_counter()
        if state["first"] is None:
            state["first"] = now
        state["n"] += 1
        if value == last:
            state["end"] = now

    sub = ca.create_subscription(chid, use_time=True, mask=dbr.DBE_VALUE, callback=callback)
    # The server answers a new subscription with the current value: once that has arrived the subscription
    # is in place, and the caller may start changing the PV without updates being lost to the set-up.
    settle = time.time() + 5.0
    while state["n"] == 0 and time.time() < settle:
        ca.poll(evt=1e-3, iot=0.01)
    state.update(n=0, first=None, end=None)
    emit({"ready": op["index"]})
    deadline = time.time() + op.get("timeout", 30.0)
    while state["end"] is None and time.time() < deadline:
        ca.poll(evt=1e-4, iot=0.001)
    ca.clear_subscription(sub[2])
    if state["end"] is None or state["first"] is None or state["end"] <= state["first"]:
        raise RuntimeError("only %d updates arrived before the limit" % state["n"])
    return {"updates": state["n"], "updates_per_s": state["n"] / (state["end"] - state["first"])}


OPS = {
    "connect": op_connect,
    "get": op_get,
    "put": op_put,
    "monitor": op_monitor,
    "bench_get": op_bench_get,
    "bench_connect": op_bench_connect,
    "bench_monitor": op_bench_monitor,
}


def main():
    request = json.load(sys.stdin)
    ca.initialize_libca()
    results = []
    for index, op in enumerate(request["ops"]):
        op = dict(op, index=index)
        try:
            results.append(dict(OPS[op["op"]](op), ok=True))
        except Exception as exc:  # the caller checks each failure's class and message
            results.append({"ok": False, "error": "%s: %s" % (type(exc).__name__, exc)})
    emit({"results": results})
    ca.finalize_libca()


if __name__ == "__main__":
    main()
