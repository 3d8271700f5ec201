#!/usr/bin/python3
"""End-to-end tests of the `oms` program: usage: test_cli.py OMS_BINARY usage|journal

usage    help, version, usage errors and their exit codes
journal  demo, verify, stat, cat, import, salvage; the demo's FIX messages (BodyLength, CheckSum,
         the lifecycle of every order); torn tails and damage

Each check raises with what it saw; the work directory is removed only when everything passed.
"""
import calendar
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time

OMS = os.path.abspath(sys.argv[1])
DEMO_EVENTS = 30000


class Failure(Exception):
    pass


def check(cond, what):
    if not cond:
        raise Failure(what)


def run(*args, stdin=None, cwd=None):
    """Runs oms with args; returns (exit code, stdout, stderr) as text (stdin: bytes or a path)."""
    if isinstance(stdin, str):
        with open(stdin, "rb") as f:
            p = subprocess.run([OMS, *args], stdin=f, capture_output=True, cwd=cwd)
    else:
        p = subprocess.run([OMS, *args], input=stdin or b"", capture_output=True, cwd=cwd)
    return p.returncode, p.stdout.decode("utf-8", "replace"), p.stderr.decode("utf-8", "replace")


def expect(code, args, stdin=None, cwd=None):
    rc, out, err = run(*args, stdin=stdin, cwd=cwd)
    check(rc == code, f"oms {' '.join(args)}: exit {rc}, expected {code}\nstdout: {out[-2000:]}\n"
                      f"stderr: {err[-2000:]}")
    return out, err


# ------------------------------------------------------------------------------------------------
# usage
# ------------------------------------------------------------------------------------------------

def test_usage(work):
    out, err = expect(2, [])
    check("usage: oms" in err and out == "", "bare `oms` prints its usage on stderr")

    for args in (["help"], ["--help"], ["-h"]):
        out, err = expect(0, args)
        check("demo" in out and "journal" in out and err == "",
              f"oms {args[0]} lists the commands on stdout")

    out, _ = expect(0, ["--version"])
    check(out.startswith("oms ") and out.strip().split(" ")[1][0].isdigit(),
          f"--version prints 'oms <version>', got {out!r}")

    for args in (["help", "journal"], ["journal", "--help"], ["help", "demo"], ["demo", "--help"],
                 ["help", "journal", "cat"], ["journal", "cat", "--help"],
                 ["journal", "verify", "--help"], ["journal", "stat", "--help"],
                 ["journal", "import", "--help"], ["journal", "salvage", "--help"],
                 ["journal", "cat", "somedir", "--from", "3", "--help"]):
        out, err = expect(0, args)
        check(out.startswith("usage: oms") and err == "", f"oms {' '.join(args)} prints help")
    out, _ = expect(0, ["help", "journal", "cat"])
    check("--since TIME" in out, "`oms help journal cat` is cat's help")

    cases = [
        (["bogus"], "'bogus' is not an oms command", "see 'oms --help'"),
        (["--bogus"], "unknown option '--bogus'", "see 'oms --help'"),
        (["help", "bogus"], "'bogus' is not an oms command", "see 'oms --help'"),
        (["journal"], "missing subcommand", "see 'oms journal --help'"),
        (["journal", "bogus"], "'bogus' is not a journal subcommand", "see 'oms journal --help'"),
        (["journal", "cat"], "missing argument", "see 'oms journal cat --help'"),
        (["journal", "cat", "d", "--bogus"], "unknown option '--bogus'",
         "see 'oms journal cat --help'"),
        (["journal", "cat", "d", "-x"], "unknown option '-x'", "see 'oms journal cat --help'"),
        (["journal", "cat", "d", "--from"], "option '--from' needs a value",
         "see 'oms journal cat --help'"),
        (["journal", "cat", "d", "--from", "x"], "--from 'x' is not a sequence number",
         "see 'oms journal cat --help'"),
        (["journal", "cat", "d", "--from", "9", "--to", "3"], "--from 9 is after --to 3",
         "see 'oms journal cat --help'"),
        (["journal", "cat", "d", "--since", "2026-13-01T00:00:00Z"], "is not a time",
         "see 'oms journal cat --help'"),
        (["journal", "cat", "d", "--until", "2026-11-27T09:30:00.1234567891Z"], "is not a time",
         "see 'oms journal cat --help'"),
        (["journal", "verify", "a", "b"], "unexpected argument 'b'",
         "see 'oms journal verify --help'"),
        (["journal", "verify", "--json=1", "d"], "unknown option", "see 'oms journal verify --help'"),
        (["journal", "salvage", "a"], "missing argument", "see 'oms journal salvage --help'"),
        (["journal", "import", "d", "--from", "1"], "unknown option '--from'",
         "see 'oms journal import --help'"),
        (["demo", "--events", "0"], "--events '0'", "see 'oms demo --help'"),
        (["demo", "--seed"], "option '--seed' needs a value", "see 'oms demo --help'"),
        (["demo", "extra"], "unexpected argument 'extra'", "see 'oms demo --help'"),
    ]
    for args, says, pointer in cases:
        out, err = expect(2, args)
        check(says in err and pointer in err and out == "",
              f"oms {' '.join(args)}: stderr should say {says!r} and {pointer!r}, got {err!r}")

    # runtime errors: exit 1 with the reason
    missing = os.path.join(work, "no-such-dir")
    for sub in ("verify", "stat", "cat"):
        out, err = expect(1, ["journal", sub, missing])
        check(missing in err and "No such file" in err, f"journal {sub} of a missing dir: {err!r}")
    empty = os.path.join(work, "empty")
    os.mkdir(empty)
    for sub in ("verify", "stat", "cat"):
        out, err = expect(1, ["journal", sub, empty])
        check("not a journal" in err, f"journal {sub} of an empty dir: {err!r}")
    # a demo into a directory that is not empty is refused as a usage error
    busy = os.path.join(work, "busy")
    os.mkdir(busy)
    open(os.path.join(busy, "x"), "w").close()
    out, err = expect(2, ["demo", "--out", busy, "--events", "100"])
    check("not empty" in err and os.listdir(busy) == ["x"], "demo refuses a non-empty --out")


# ------------------------------------------------------------------------------------------------
# The demo's day: engine events
# ------------------------------------------------------------------------------------------------

ASSET_CLASSES = {"fx", "cfd", "equity", "future", "crypto"}


def check_demo_events(lines):
    """Every record a named input event of the engine, in time order on the trading date; the
    day's reference data covers the five asset classes; the flow has orders, cancels, replaces,
    quotes, the venues' answers, and a last record that ends the session."""
    counts = {}
    classes = set()
    last_ts = ""
    for line in lines:
        rec = json.loads(line)
        check(isinstance(rec["type"], str), f"demo record of an unnamed type: {rec}")
        check("hex" not in rec["payload"], f"demo record without its named form: {rec}")
        check(rec["ts"] >= last_ts, f"timestamps go backwards at seq {rec['seq']}")
        last_ts = rec["ts"]
        check(rec["ts"].startswith("2026-11-27T"), f"demo record outside the trading date: {rec}")
        counts[rec["type"]] = counts.get(rec["type"], 0) + 1
        if rec["type"] == "instrument":
            classes.add(rec["payload"]["asset_class"])
    check(classes == ASSET_CLASSES, f"asset classes of the demo: {classes}")
    for t in ("new_order", "cancel_request", "replace_request", "quote", "venue_new", "venue_fill",
              "set_limit", "kill_switch", "session"):
        check(counts.get(t, 0) > 0, f"no {t} in the demo: {counts}")
    n = len(lines)
    check(0.30 <= counts["quote"] / n <= 0.45, f"quotes are {counts['quote'] / n:.2f} of the day")
    last = json.loads(lines[-1])
    check(last["type"] == "session" and last["payload"]["phase"] == "end_of_day",
          f"the day does not end with the session's end: {last}")


# ------------------------------------------------------------------------------------------------
# journal
# ------------------------------------------------------------------------------------------------

def segments(d):
    return sorted(os.path.join(d, f) for f in os.listdir(d) if f.endswith(".oms"))


def cat(d, *args, code=0):
    out, err = expect(code, ["journal", "cat", d, *args])
    return out.splitlines(keepends=True), err


def test_journal(work):
    demo = os.path.join(work, "demo")
    out, _ = expect(0, ["demo", "--out", demo, "--events", str(DEMO_EVENTS), "--seed", "42"])
    j = os.path.join(demo, "journal")
    for word in ("compression ratio", "records by type", "new_order (20)", "identical to the live run", j):
        check(word in out, f"demo output lacks {word!r}:\n{out}")
    check("\r" not in out, "demo printed progress on a pipe")

    # the same seed and count give the same day; another seed another
    days = {}
    for name, seed in (("again1", "7"), ("again2", "7"), ("other", "8")):
        d = os.path.join(work, name)
        if name == "again2":
            os.mkdir(d)  # an existing empty directory is fine
        expect(0, ["demo", "--out", d, "--events", "2000", "--seed", seed])
        days[name] = cat(os.path.join(d, "journal"))[0]
    check(len(days["again1"]) == 2000, "demo --events 2000 wrote another number of records")
    check(days["again1"] == days["again2"], "two demos with one seed differ")
    check(days["again1"] != days["other"], "two demos with different seeds are the same")

    # without --out: a new directory in the current one, named in the output
    cwd = os.path.join(work, "cwd")
    os.mkdir(cwd)
    out, _ = expect(0, ["demo", "--events", "100"], cwd=cwd)
    made = os.listdir(cwd)
    check(len(made) == 1 and made[0].startswith("oms-demo-") and made[0] in out,
          f"demo without --out made {made}, said:\n{out}")

    # verify and stat
    out, _ = expect(0, ["journal", "verify", j])
    check(": ok" in out and f"1 .. {DEMO_EVENTS}" in out, f"verify summary:\n{out}")
    out, _ = expect(0, ["journal", "verify", j, "--json"])
    v = json.loads(out)
    check(v["status"] == "ok" and v["records"] == DEMO_EVENTS and v["first_seq"] == 1 and
          v["last_seq"] == DEMO_EVENTS and v["first_ts"].startswith("2026-11-27T07:00:00"),
          f"verify --json: {v}")
    out, _ = expect(0, ["journal", "stat", j])
    check("compression ratio" in out and "bytes on disk" in out, f"stat:\n{out}")
    out, _ = expect(0, ["journal", "stat", "--json", j])
    s = json.loads(out)
    by_type = {t["name"]: t["records"] for t in s["records_by_type"]}
    check(sum(by_type.values()) == DEMO_EVENTS and by_type.get("new_order", 0) > 0 and
          s["compression_ratio"] > 1.5 and s["raw_bytes"] > s["bytes_on_disk"] > 0, f"stat --json: {s}")

    # cat: every line an object with its keys in order, every record a named engine event
    full, _ = cat(j)
    check(len(full) == DEMO_EVENTS, f"cat printed {len(full)} lines")
    for i, line in enumerate(full[:5]):
        check(line.startswith('{"seq":%d,"ts":"' % (i + 1)) and '","type":"' in line and
              '","payload":{' in line, f"cat line {i + 1}: {line!r}")
    check(full[0].startswith('{"seq":1,"ts":"2026-11-27T07:00:00.000000000Z","type":"firm","payload":{'),
          f"the day does not open with the firm's reference data: {full[0]!r}")
    check_demo_events(full)

    # ranges by seq and by time
    part, _ = cat(j, "--from", "100", "--to", "199")
    check(part == full[99:199], "--from 100 --to 199 is not records 100..199")
    recs = [json.loads(x) for x in full]
    since, until = recs[1000]["ts"], recs[2000]["ts"]
    part, _ = cat(j, "--since", since, "--until", until)
    want = [full[i] for i, r in enumerate(recs) if since <= r["ts"] <= until]
    check(part == want and len(part) >= 1001, "--since/--until do not select by timestamp")
    # the same bound as integer ns, and with fewer fractional digits
    sec = since[:19]
    ns = calendar.timegm(time.strptime(sec, "%Y-%m-%dT%H:%M:%S")) * 10**9
    part_iso, _ = cat(j, "--since", sec + ".5Z", "--to", str(recs[-1]["seq"]))
    part_ns, _ = cat(j, "--since", str(ns + 500000000))
    want = [full[i] for i, r in enumerate(recs) if r["ts"] >= sec + ".500000000Z"]
    check(part_iso == want and part_ns == want, "--since with .5Z or with ns selects wrongly")
    part, _ = cat(j, "--from", str(DEMO_EVENTS + 1))
    check(part == [], "--from past the end prints nothing")

    # cat | import | cat is byte-identical
    a_path = os.path.join(work, "a.jsonl")
    with open(a_path, "w") as f:
        f.writelines(full)
    copy = os.path.join(work, "copy")
    out, _ = expect(0, ["journal", "import", copy], stdin=a_path)
    check(f"appended {DEMO_EVENTS} records" in out, f"import says: {out!r}")
    again_full, _ = cat(copy)
    check(again_full == full, "cat | import | cat is not identical")

    # import continues a journal: seq must follow, hex payloads and unknown types round-trip
    extra = [
        {"seq": DEMO_EVENTS + 1, "ts": "2026-11-27T23:00:00Z", "type": "fix",
         "payload": {"msg": "8=FIX.4.4\x019=5\x0135=0\x0110=000\x01"}},
        {"ts": "2026-11-27T23:00:00.5Z", "type": 4242, "payload": {"hex": "00ff7f80"}},
        {"ts": 1795820400500000001, "type": "fix", "payload": {"hex": "c328ff"}},  # not UTF-8
        {"ts": "2026-11-27T23:00:01Z", "type": 1000, "payload": {"msg": ""}},
    ]
    out, _ = expect(0, ["journal", "import", copy],
                    stdin="".join(json.dumps(e) + "\n" for e in extra).encode())
    check(f"seq {DEMO_EVENTS + 1}..{DEMO_EVENTS + 4}" in out, f"continuing import says {out!r}")
    tail, _ = cat(copy, "--from", str(DEMO_EVENTS + 1))
    check([json.loads(x) for x in tail] == [
        {"seq": DEMO_EVENTS + 1, "ts": "2026-11-27T23:00:00.000000000Z", "type": "fix",
         "payload": {"msg": "8=FIX.4.4\x019=5\x0135=0\x0110=000\x01"}},
        {"seq": DEMO_EVENTS + 2, "ts": "2026-11-27T23:00:00.500000000Z", "type": 4242,
         "payload": {"hex": "00ff7f80"}},
        {"seq": DEMO_EVENTS + 3, "ts": "2026-11-27T23:00:00.500000001Z", "type": "fix",
         "payload": {"hex": "c328ff"}},
        {"seq": DEMO_EVENTS + 4, "ts": "2026-11-27T23:00:01.000000000Z", "type": "fix",
         "payload": {"msg": ""}},
    ], f"imported records read back as {tail}")
    tail_path = os.path.join(work, "tail.jsonl")
    with open(tail_path, "w") as f:
        f.writelines(full[:3] + tail)
    fresh = os.path.join(work, "fresh")
    _, err = expect(1, ["journal", "import", fresh], stdin=tail_path)
    check("line 4: seq 30001 does not continue the journal (next is 4)" in err,
          f"a seq gap in the input: {err!r}")

    # bad lines: rejected with their line number, nothing appended, no directory left behind
    good3 = "".join(full[:3])
    bad_inputs = [
        ('{"type": "no-such-type", "garbage": [\n', "line 4: not JSON"),
        ('{"ts":"2026-11-27T23:00:00Z","type":"nope","payload":{"msg":"x"}}\n',
         'line 4: unknown type "nope"'),
        ('{"ts":"2026-11-27T23:00:00Z","payload":{"msg":"x"}}\n', 'line 4: missing field "type"'),
        ('{"type":"fix","payload":{"msg":"x"}}\n', 'line 4: missing field "ts"'),
        ('{"ts":"2026-11-27T23:00:00Z","type":"fix"}\n', 'line 4: missing field "payload"'),
        ('{"ts":"2026-11-27T23:00:00Z","type":"fix","payload":{"msg":1}}\n', "line 4: payload"),
        ('{"ts":"2026-11-27T23:00:00Z","type":9,"payload":{"hex":"0g"}}\n', "line 4: payload"),
        ('{"ts":"2026-11-27T23:00:00Z","type":9,"payload":{"msg":"x"}}\n', "line 4: type 9"),
        ('{"ts":"2026-11-26T07:00:00Z","type":"fix","payload":{"msg":"x"}}\n',
         "line 4: ts 2026-11-26T07:00:00.000000000Z goes backwards"),
        ('{"seq":5,"ts":"2026-11-27T23:00:00Z","type":"fix","payload":{"msg":"x"}}\n',
         "line 4: seq 5 does not continue the journal (next is 4)"),
        ('{"ts":"2026-11-27T23:00:00","type":"fix","payload":{"msg":"x"}}\n', 'line 4: "ts"'),
        ('{"ts":"2026-11-27T23:00:00Z","type":"fix","payload":{"msg":"x"},"x":1}\n',
         'line 4: unknown field "x"'),
        ("[1]\n", "line 4: not a JSON object"),
    ]
    for i, (line, says) in enumerate(bad_inputs):
        d = os.path.join(work, f"bad{i}")
        out, err = expect(1, ["journal", "import", d], stdin=(good3 + line + full[3]).encode())
        check(says in err, f"bad line {line!r}: stderr {err!r} does not say {says!r}")
        check(not os.path.exists(d), f"a rejected import left {d} behind")
    # into an existing journal: nothing appended
    small = os.path.join(work, "small")
    expect(0, ["journal", "import", small], stdin=good3.encode())
    before = {f: open(os.path.join(small, f), "rb").read() for f in os.listdir(small)}
    out, err = expect(1, ["journal", "import", small],
                      stdin=("".join(full[3:6]) + bad_inputs[0][0]).encode())
    check("line 4: not JSON" in err, f"bad line into an existing journal: {err!r}")
    after = {f: open(os.path.join(small, f), "rb").read() for f in os.listdir(small)}
    check(before == after, "a rejected import changed the journal's files")
    check(cat(small)[0] == full[:3], "a rejected import appended records")

    # a torn tail: the last segment cut short
    torn = os.path.join(work, "torn")
    shutil.copytree(copy, torn)
    last = segments(torn)[-1]
    os.truncate(last, os.path.getsize(last) - 37)
    out, err = expect(3, ["journal", "verify", torn])
    check("torn tail" in out and os.path.basename(last) in out and "last valid seq" in out,
          f"verify of a torn journal:\n{out}")
    out, _ = expect(3, ["journal", "verify", torn, "--json"])
    v = json.loads(out)
    check(v["status"] == "torn_tail" and v["torn_bytes"] > 0 and v["valid_up_to_seq"] > 0, f"{v}")
    kept = v["valid_up_to_seq"]
    prefix, err = cat(torn, code=1)
    check(prefix == full[:kept], f"cat of a torn journal printed {len(prefix)} lines, not {kept}")
    check(err != "", "cat of a torn journal says nothing on stderr")
    salv = os.path.join(work, "salv")
    out, _ = expect(0, ["journal", "salvage", torn, salv])
    check(f"seq 1..{kept}" in out and "left behind" in out and "torn tail" in out,
          f"salvage of a torn journal:\n{out}")
    expect(0, ["journal", "verify", salv])
    check(cat(salv)[0] == full[:kept], "the salvaged journal is not the valid prefix")
    out, err = expect(1, ["journal", "salvage", torn, salv])
    check(salv in err, f"salvage into a journal that exists: {err!r}")

    # damage: one byte inverted in the middle of the first segment
    flip = os.path.join(work, "flip")
    shutil.copytree(copy, flip)
    first = segments(flip)[0]
    with open(first, "r+b") as f:
        off = os.path.getsize(first) // 2
        f.seek(off)
        byte = f.read(1)[0]
        f.seek(off)
        f.write(bytes([255 - byte]))
    out, err = expect(1, ["journal", "verify", flip])
    check("damage:" in out and os.path.basename(first) in out, f"verify of a damaged journal:\n{out}")
    out, _ = expect(1, ["journal", "verify", flip, "--json"])
    v = json.loads(out)
    check(v["status"] == "damage" and 0 < v["offset"] <= off and v["valid_up_to_seq"] < DEMO_EVENTS,
          f"verify --json of a damaged journal: {v}")
    prefix, err = cat(flip, code=1)
    check(prefix == full[:v["valid_up_to_seq"]] and err != "", "cat of a damaged journal")
    out, err = expect(1, ["journal", "stat", flip])
    check("compression ratio" in out and "damage:" in err, "stat of a damaged journal")
    out, err = expect(1, ["journal", "import", flip], stdin=full[0].encode())
    check("damaged" in err, f"import into a damaged journal: {err!r}")
    salv2 = os.path.join(work, "salv2")
    out, _ = expect(0, ["journal", "salvage", flip, salv2])
    check("damage" in out and f"seq 1..{v['valid_up_to_seq']}" in out, f"salvage of damage:\n{out}")
    check(cat(salv2)[0] == full[:v["valid_up_to_seq"]], "salvage of damage kept the wrong prefix")


def main():
    what = sys.argv[2]
    work = tempfile.mkdtemp(prefix=f"oms-cli-{what}-")
    try:
        {"usage": test_usage, "journal": test_journal}[what](work)
    except Failure as e:
        print(f"FAIL ({what}): {e}\n(work directory kept: {work})")
        sys.exit(1)
    shutil.rmtree(work)
    print(f"cli {what}: ok")


if __name__ == "__main__":
    main()
