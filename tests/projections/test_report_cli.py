#!/usr/bin/python3
"""The surveillance options of `oms report` end to end: usage: test_report_cli.py OMS_BINARY

- a journal imported from JSON lines with a fill above its limit and one for an unknown order;
- `--recon VENUE=FILE` with a venue file that disagrees on a price: breaks in oms.sqlite, the
  counts in the summary (text and --json);
- a malformed file: exit 1, the file and line on stderr, not even OUTDIR created;
- `--recon` without VENUE=: exit 2 (usage).

Each check raises with what it saw; the work directory is removed only when everything passed.
"""
import json
import os
import shutil
import sqlite3
import subprocess
import sys
import tempfile

OMS = os.path.abspath(sys.argv[1])

EVENTS = [
    ("2026-11-27T09:30:00Z", {"type": "instrument", "symbol": "EUR/USD", "asset_class": "fx",
                              "quote_ccy": "USD", "tick_size": "0.00001", "lot_size": "1000",
                              "min_qty": "1000", "multiplier": "1", "tradable": True,
                              "venues": ["LMAX"], "ref_price": "1.085"}),
    ("2026-11-27T09:30:00Z", {"type": "account", "account": "ACC1", "base_ccy": "USD",
                              "status": "active", "book": "a", "clients": ["C1"]}),
    ("2026-11-27T09:30:00Z", {"type": "quote", "venue": "LMAX", "symbol": "EUR/USD",
                              "bid": "1.0849", "ask": "1.085", "bid_size": "1000000",
                              "ask_size": "1000000"}),
    # seq 4: buy 2000 at 1.085, sent as V4
    ("2026-11-27T09:30:01Z", {"type": "new_order", "client": "C1", "account": "ACC1",
                              "cl_ord_id": "A", "symbol": "EUR/USD", "side": "buy",
                              "ord_type": "limit", "tif": "day", "qty": "2000", "price": "1.085"}),
    # seq 5: filled 1000 above the limit
    ("2026-11-27T09:30:02Z", {"type": "venue_fill", "venue": "LMAX", "cl_ord_id": "V4",
                              "exec_id": "F1", "last_qty": "1000", "last_px": "1.0851",
                              "liquidity": "removed"}),
    # seq 6: a fill for an order never sent
    ("2026-11-27T09:30:03Z", {"type": "venue_fill", "venue": "LMAX", "cl_ord_id": "V77",
                              "exec_id": "F2", "last_qty": "1000", "last_px": "1.085",
                              "liquidity": "removed"}),
]


class Failure(Exception):
    pass


def check(cond, what):
    if not cond:
        raise Failure(what)


def run(*args, stdin=None):
    p = subprocess.run([OMS, *args], input=stdin, capture_output=True)
    return p.returncode, p.stdout.decode("utf-8", "replace"), p.stderr.decode("utf-8", "replace")


def expect(code, *args, stdin=None):
    rc, out, err = run(*args, stdin=stdin)
    check(rc == code, f"oms {' '.join(args)}: exit {rc}, expected {code}\nstdout: {out[-2000:]}\n"
                      f"stderr: {err[-2000:]}")
    return out, err


def main():
    work = tempfile.mkdtemp(prefix="oms-report-cli-")
    j = os.path.join(work, "journal")
    lines = "".join(json.dumps({"ts": ts, "type": ev["type"],
                                "payload": {k: v for k, v in ev.items() if k != "type"}}) + "\n"
                    for ts, ev in EVENTS)
    expect(0, "journal", "import", j, stdin=lines.encode())

    good = os.path.join(work, "lmax.csv")
    with open(good, "w") as f:
        f.write("exec_id,venue_order_id,symbol,side,qty,px,trade_date\n"
                "F1,L1,EUR/USD,buy,1000,1.085,2026-11-27\n")
    out_dir = os.path.join(work, "out")
    text, _ = expect(0, "report", j, "--out", out_dir, "--recon", "LMAX=" + good)
    check("surveillance  3 breaks, 0 alerts" in text, f"summary: {text}")
    db = sqlite3.connect(os.path.join(out_dir, "oms.sqlite"))
    kinds = db.execute("SELECT kind, seq FROM breaks ORDER BY source, seq, kind").fetchall()
    db.close()
    check(kinds == [("price_outside_limit", 5), ("fill_unknown_order", 6), ("recon_px_mismatch", 5)],
          f"breaks: {kinds}")
    text, _ = expect(0, "report", j, "--out", out_dir, "--recon", "LMAX=" + good, "--json")
    summary = json.loads(text)
    check(summary["surveillance_breaks"] == 3 and summary["alerts"] == 0, f"--json: {text}")

    bad = os.path.join(work, "bad.csv")
    with open(bad, "w") as f:
        f.write("exec_id,venue_order_id,symbol,side,qty,px,trade_date\n"
                "F1,L1,EUR/USD,buy,1000,1.085,2026-11-27\n"
                "F2,L1,EUR/USD,buy,1000,one,2026-11-27\n")
    fresh = os.path.join(work, "fresh")
    _, err = expect(1, "report", j, "--out", fresh, "--recon", "LMAX=" + bad)
    check(f"{bad} line 3: px is not a positive decimal: 'one'" in err, f"stderr: {err}")
    check(not os.path.exists(fresh), "a refused run created its OUTDIR")

    _, err = expect(2, "report", j, "--out", fresh, "--recon", bad)
    check("--recon wants VENUE=FILE" in err, f"stderr: {err}")
    shutil.rmtree(work)
    print("report cli: all checks passed")


if __name__ == "__main__":
    try:
        main()
    except Failure as e:
        print(f"FAILED: {e}", file=sys.stderr)
        sys.exit(1)
