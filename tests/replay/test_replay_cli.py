#!/usr/bin/python3
"""End-to-end tests of `oms replay` and `oms report`: usage: test_replay_cli.py OMS_BINARY

- replay from snapshots written by --snapshot-every gives the state a full replay gives, and says
  on stderr which snapshot it used, or why it refused one;
- --verify passes on the demo's journal and fails, naming the sequence number and both engine
  versions, on a journal whose checkpoint was edited (cat, edit, import);
- diff finds the first differing sequence number; step prints events, outputs and state;
- report twice gives the same database dump and files; replay days runs several journals in
  parallel processes and gathers their figures;
- nothing written to a pipe holds a progress bar's control characters.

Each check raises with what it saw; the work directory is removed only when everything passed.
"""
import csv
import io
import json
import os
import shutil
import subprocess
import sys
import tempfile

OMS = os.path.abspath(sys.argv[1])
EVENTS = 30000


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
    check(rc == code, f"oms {' '.join(args)}: exit {rc}, expected {code}\nstdout: {out[-3000:]}\n"
                      f"stderr: {err[-3000:]}")
    check("\r" not in err and "\033" not in err, f"oms {' '.join(args)}: control characters on a pipe")
    return out, err


def demo(work, name, seed):
    out = os.path.join(work, name)
    expect(0, "demo", "--offline", "--out", out, "--events", str(EVENTS), "--seed", str(seed))
    return os.path.join(out, "journal")


def test_snapshots(work, j):
    state_full, _ = expect(0, "replay", j, "--until", "21234", "--state", "-", "--no-snapshot")
    _, err = expect(0, "replay", j, "--snapshot-every", "5000")
    check("wrote 6 snapshots" in err, f"--snapshot-every 5000 over {EVENTS} events: {err}")
    state, err = expect(0, "replay", j, "--until", "21234", "--state", "-")
    check("started from snapshot" in err and "00000000000000020000.snap" in err,
          f"replay --until 21234 starts from the snapshot at 20000: {err}")
    check(state == state_full, "the state from a snapshot is the state from the first record")
    # a damaged snapshot: the one before it is used, and the refusal is said
    path = os.path.join(j, "snapshots", "00000000000000020000.snap")
    with open(path, "r+b") as f:
        f.seek(200)
        b = f.read(1)
        f.seek(200)
        f.write(bytes([b[0] ^ 0x40]))
    state, err = expect(0, "replay", j, "--until", "21234", "--state", "-")
    check("00000000000000020000.snap refused" in err and "00000000000000015000.snap" in err,
          f"a damaged snapshot falls back to the one before: {err}")
    check(state == state_full, "the state after a fallback is the same")
    shutil.rmtree(os.path.join(j, "snapshots"))


def edit_checkpoint(j, out_dir):
    """The journal again (cat | import), with the hash of its last checkpoint changed."""
    text, _ = expect(0, "journal", "cat", j)
    lines = text.splitlines()
    idx = max(i for i, l in enumerate(lines) if '"type":"checkpoint"' in l)
    rec = json.loads(lines[idx])
    h = int(rec["payload"]["state_hash"]) ^ 1
    # the JSON form of a u64: an integer, or a string of digits above 2^63 - 1
    rec["payload"]["state_hash"] = h if h < 2**63 else str(h)
    lines[idx] = json.dumps(rec, separators=(",", ":"))
    expect(0, "journal", "import", out_dir, stdin=("\n".join(lines) + "\n").encode())
    return rec["seq"], rec["payload"]["of_seq"], rec["payload"]["engine_version"]


def test_verify(work, j):
    out, _ = expect(0, "replay", j, "--verify")
    check("verified 2 checkpoints" in out, f"the demo journals a checkpoint every 10000 events: {out}")
    out, _ = expect(0, "replay", j, "--verify", "--json")
    v = json.loads(out)
    check(v["ok"] and v["checkpoints"] == 2 and v["matched"] == 2, f"--verify --json: {out}")
    bad = os.path.join(work, "planted")
    cp_seq, of_seq, version = edit_checkpoint(j, bad)
    out, err = expect(1, "replay", bad, "--verify")
    check(f"seq {of_seq}:" in err and f"checkpoint at seq {cp_seq}" in err,
          f"--verify names the first differing seq: {err}")
    check(f"written by engine {version}" in err and "this engine is" in err,
          f"--verify names both engine versions: {err}")
    out, err = expect(1, "replay", bad, "--verify", "--json")
    v = json.loads(out)
    check(not v["ok"] and v["divergence"]["seq"] == of_seq and v["matched"] == 1,
          f"--verify --json on the planted divergence: {out}")


def test_diff(work, j):
    out, _ = expect(0, "replay", "diff", j, j)
    check("the journals are the same" in out, f"diff of a journal with itself: {out}")
    # another journal: the same records except one quote's bid at seq 20000 or the next quote
    text, _ = expect(0, "journal", "cat", j)
    lines = text.splitlines()
    k = next(i for i in range(19999, len(lines)) if '"type":"quote"' in lines[i])
    rec = json.loads(lines[k])
    rec["payload"]["bid"] = "1"
    lines[k] = json.dumps(rec, separators=(",", ":"))
    other = os.path.join(work, "edited")
    expect(0, "journal", "import", other, stdin=("\n".join(lines) + "\n").encode())
    out, _ = expect(1, "replay", "diff", j, other)
    check(f"first differing input   seq {rec['seq']}: payloads differ" in out,
          f"diff names seq {rec['seq']}: {out}")
    check(f"first differing state   after seq {rec['seq']}" in out and "bid=1 " in out and
          '"bid":"1"' in out, f"diff shows both events, readable and as JSON: {out}")
    out, _ = expect(1, "replay", "diff", j, other, "--json")
    d = json.loads(out)
    check(d["input_seq"] == rec["seq"] and d["state_seq"] == rec["seq"] and
          d["detail"]["b"]["record"]["event"]["bid"] == "1", f"diff --json: {out[:2000]}")


def test_step(j):
    out, _ = expect(0, "replay", "step", j, "--from", "100", "--count", "3")
    check("seq 100 " in out and "seq 102 " in out and "seq 103 " not in out, f"step: {out}")
    check("  event " in out, f"step shows the event: {out}")
    out, _ = expect(0, "replay", "step", j, "--from", "100", "--count", "50", "--json")
    rows = [json.loads(l) for l in out.splitlines()]
    check(len(rows) == 50 and rows[0]["seq"] == 100, "step --json: one object per event")
    withorder = [r for r in rows if r["type"] == "new_order" and r["orders"]]
    check(withorder and withorder[0]["orders"][0]["order_id"] == f"O{withorder[0]['seq']}"
          and withorder[0]["positions"], "a new order's step shows its order and position")
    _, err = expect(1, "replay", "step", j, "--from", "999999")
    check("no event from seq 999999" in err, f"step past the end: {err}")
    expect(2, "replay", "step", j)


def sqlite_dump(path):
    p = subprocess.run(["sqlite3", path, ".dump"], capture_output=True)
    check(p.returncode == 0, f"sqlite3 {path} .dump: {p.stderr}")
    return p.stdout


def test_report(work, j):
    a, b = os.path.join(work, "ra"), os.path.join(work, "rb")
    out, _ = expect(0, "report", j, "--out", a)
    check("built the report" in out, f"report: {out}")
    out, _ = expect(0, "report", j, "--out", b, "--json")
    s = json.loads(out)
    check(s["last_seq"] == EVENTS and s["orders"] > 1000, f"report --json: {out}")
    check(sqlite_dump(os.path.join(a, "oms.sqlite")) == sqlite_dump(os.path.join(b, "oms.sqlite")),
          "two reports of one journal: the same database")
    for f in ("order-record.csv", "best-execution.html", "best-execution.csv", "best-execution.json"):
        with open(os.path.join(a, f), "rb") as x, open(os.path.join(b, f), "rb") as y:
            check(x.read() == y.read(), f"two reports of one journal: the same {f}")
    with open(os.path.join(a, "order-record.csv")) as f:
        rows = list(csv.DictReader(f))
    codes = {r["event_code"] for r in rows}
    check({"NEWO", "CHMO", "PARF", "FILL", "REMO", "REME", "CAME", "CAMO", "EXPI"} <= codes,
          f"order record codes: {sorted(codes)}")
    out, _ = expect(0, "report", j, "--out", a)
    check("resumed the report" in out and "0 new events" in out, f"a second run applies nothing: {out}")
    _, err = expect(1, "report", j, "--out", a, "--from", "2026-11-27T10:00:00Z")
    check("--from" in err, f"an OUTDIR built without --from refuses one: {err}")
    expect(2, "report", j)


def test_days(work):
    parent = os.path.join(work, "days")
    os.makedirs(parent)
    for i, name in enumerate(("2026-11-27", "2026-11-30")):
        expect(0, "demo", "--offline", "--out", os.path.join(parent, name), "--events", "5000",
               "--seed", str(i + 1))
    os.makedirs(os.path.join(parent, "not-a-journal"))
    out_dir = os.path.join(work, "days-out")
    out, _ = expect(0, "replay", "days", parent, "--out", out_dir, "-j", "2")
    check("2026-11-27" in out and "2026-11-30" in out and "2 days" in out, f"days: {out}")
    with open(os.path.join(out_dir, "days.csv")) as f:
        rows = list(csv.DictReader(f))
    check([r["day"] for r in rows] == ["2026-11-27", "2026-11-30"], f"days.csv: {rows}")
    check(all(r["exit_code"] == "0" and int(r["events"]) == 5000 for r in rows), f"days.csv: {rows}")
    check(rows[0]["state_hash"] != rows[1]["state_hash"], "two days, two states")
    for r in rows:
        check(os.path.getsize(os.path.join(out_dir, r["day"], "order-record.csv")) > 1000,
              "each day has its order record")
    # a day that fails: its journal is damaged
    seg = os.path.join(parent, "2026-11-30", "journal", "000001.oms")
    with open(seg, "r+b") as f:
        f.seek(4000)
        b = f.read(1)
        f.seek(4000)
        f.write(bytes([b[0] ^ 0xff]))
    out, err = expect(1, "replay", "days", parent, "--out", os.path.join(work, "days-out2"))
    check("failed" in out and "some days failed" in err, f"a damaged day is reported: {out} {err}")


def main():
    work = tempfile.mkdtemp(prefix="oms-replay-cli-")
    j = demo(work, "demo", 1)
    test_snapshots(work, j)
    test_verify(work, j)
    test_diff(work, j)
    test_step(j)
    test_report(work, j)
    test_days(work)
    shutil.rmtree(work)
    print("replay cli: all checks passed")


if __name__ == "__main__":
    try:
        main()
    except Failure as e:
        print(f"FAIL: {e}", file=sys.stderr)
        sys.exit(1)
