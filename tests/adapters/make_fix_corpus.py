#!/usr/bin/python3
"""make_fix_corpus.py - writes tests/adapters/fix_corpus/: one FIX 4.4 frame per file, valid and
malformed, with the expected outcome in the file name (see README.md beside this script).

The frames are built here, independently of the codec: BodyLength and CheckSum are computed by
this script from the FIX rules, so the C test checks the codec against a second implementation.

    make_fix_corpus.py           rewrite fix_corpus/ (removes *.fix files no case names)
    make_fix_corpus.py --check   exit 1 unless fix_corpus/ holds exactly these bytes (a ctest)
"""
import os
import sys

SOH = b"\x01"
HERE = os.path.dirname(os.path.abspath(__file__))
CORPUS = os.path.join(HERE, "fix_corpus")

T0 = "20260127-09:30:00.000"


def body_of(fields):
    out = b""
    for tag, value in fields:
        tag = str(tag).encode()
        value = value if isinstance(value, bytes) else str(value).encode()
        out += tag + b"=" + value + SOH
    return out


def frame(fields, begin=b"FIX.4.4", body_length=None, checksum=None):
    """fields: (tag, value) pairs from 35 on; BodyLength and CheckSum computed unless given."""
    body = body_of(fields)
    length = str(len(body)).encode() if body_length is None else body_length
    head = b"8=" + begin + SOH + b"9=" + length + SOH
    total = sum(head + body) % 256
    cs = ("%03d" % total).encode() if checksum is None else checksum
    return head + body + b"10=" + cs + SOH


def hdr(msg_type, seq=1, sender="CLIENT1", target="OMS"):
    return [(35, msg_type), (49, sender), (56, target), (34, seq), (52, T0)]


def new_order(extra=(), drop=(), replace=None, seq=1):
    f = hdr("D", seq) + [
        (11, "ORD-1"), (1, "ACC-1"), (21, "1"), (55, "EURUSD"), (54, "1"),
        (60, "20260127-09:30:00.123"), (38, "1000000"), (40, "2"), (44, "1.08512"), (59, "0"),
    ]
    f = [x for x in f if x[0] not in drop]
    if replace:
        f = [(t, replace.get(t, v)) for t, v in f]
    return f + list(extra)


def exec_report(extra=(), drop=(), seq=1):
    f = hdr("8", seq, "VENUE1", "OMS") + [
        (37, "V-77"), (11, "OMS-5"), (17, "E-1"), (150, "F"), (39, "1"), (55, "EURUSD"),
        (54, "1"), (38, "1000000"), (40, "2"), (44, "1.08512"), (32, "250000"), (31, "1.0851"),
        (151, "750000"), (14, "250000"), (6, "1.0851"), (60, "20260127-09:30:00.456"),
    ]
    return [x for x in f if x[0] not in drop] + list(extra)


def md_snapshot(entries, count=None, extra_top=()):
    f = hdr("W", 1, "VENUE1", "OMS") + [(262, "MD-1"), (55, "EURUSD")] + list(extra_top)
    f.append((268, len(entries) if count is None else count))
    for e in entries:
        f += e
    return f


BID = [(269, "0"), (270, "1.0850"), (271, "5000000")]
OFFER = [(269, "1"), (270, "1.0852"), (271, "3000000")]
PARTY = [(453, 1), (448, "TRADER7"), (447, "D"), (452, "12"), (802, 1), (523, "DESK-A"),
         (803, "24")]

CASES = {}


def case(flow, outcome, slug, data):
    name = "%s.%s.%s.fix" % (flow, outcome, slug)
    assert name not in CASES, name
    CASES[name] = data


# ---- valid messages, one per type and flow ----------------------------------------------------
case("client", "ok", "new-order-limit", frame(new_order()))
case("client", "ok", "new-order-market", frame(new_order(drop={44}, replace={40: "1", 59: "3"})))
case("client", "ok", "new-order-parties", frame(new_order(extra=PARTY)))
case("client", "ok", "new-order-gtd",
     frame(new_order(replace={59: "6"}, extra=[(126, "20260128-21:00:00")])))
ENCODED = b"A\x0110=123\x01=B!"  # a data field may hold SOH, even what looks like a trailer
case("client", "ok", "new-order-encoded-text",
     frame(new_order(extra=[(354, len(ENCODED)), (355, ENCODED)])))
case("client", "ok", "new-order-user-defined-tag", frame(new_order(extra=[(5001, "x")])))
case("client", "ok", "new-order-trailing-stop",
     frame(new_order(replace={40: "P", 54: "2"}, drop={44},
                     extra=[(18, "a"), (211, "-0.0005"), (836, "0")])))
case("client", "ok", "new-order-allocation",
     frame(new_order(extra=[(78, "2"), (79, "ACC1"), (80, "600000"), (79, "ACC-1"),
                            (80, "400000")])))
case("client", "ok", "new-order-unmodelled-allowed-tag", frame(new_order(extra=[(167, "FOR")])))
case("client", "ok", "new-order-leap-second",
     frame(new_order(replace={60: "20161231-23:59:60.000"})))
case("client", "ok", "cancel", frame(hdr("F") + [
    (41, "ORD-1"), (11, "ORD-2"), (55, "EURUSD"), (54, "1"), (60, T0)]))
case("client", "ok", "replace", frame(hdr("G") + [
    (41, "ORD-1"), (11, "ORD-3"), (55, "EURUSD"), (54, "1"), (60, T0), (38, "2000000"),
    (40, "2"), (44, "1.0849")]))
case("client", "ok", "status", frame(hdr("H") + [(11, "ORD-1"), (55, "EURUSD"), (54, "1")]))
case("client", "ok", "mass-status", frame(hdr("AF") + [(584, "MS-1"), (585, "7")]))
case("client", "ok", "mass-cancel", frame(hdr("q") + [(11, "MC-1"), (530, "7"), (60, T0)]))
case("client", "ok", "mass-cancel-security", frame(hdr("q") + [
    (11, "MC-2"), (530, "1"), (48, "EU0009652759"), (22, "4"), (60, T0)]))
case("venue", "ok", "fill", frame(exec_report()))
NEW_ACK = {150: "0", 39: "0", 14: "0", 151: "1000000", 6: "0"}
case("venue", "ok", "new-ack",
     frame([(t, NEW_ACK.get(t, v)) for t, v in exec_report(drop={32, 31})]))
case("venue", "ok", "cancel-reject", frame(hdr("9", 2, "VENUE1", "OMS") + [
    (37, "V-77"), (11, "OMS-6"), (41, "OMS-5"), (39, "2"), (434, "1"), (102, "0")]))
case("tovenue", "ok", "new-order", frame(new_order(seq=7)))
case("toclient", "ok", "exec-report", frame(exec_report(extra=[(797, "Y")])))
case("toclient", "ok", "reject", frame(hdr("3", 3, "OMS", "CLIENT1") + [
    (45, 2), (371, 38), (372, "D"), (373, 5), (58, "OrderQty(38) must be above 0")]))
case("toclient", "ok", "business-reject", frame(hdr("j", 4, "OMS", "CLIENT1") + [
    (45, 3), (372, "D"), (379, "ORD-9"), (380, 5), (58, "Price(44) is required")]))
case("toclient", "ok", "mass-cancel-report", frame(hdr("r", 5, "OMS", "CLIENT1") + [
    (11, "MC-1"), (37, "MC-1"), (530, "7"), (531, "7"), (533, 2),
    (534, 2), (41, "ORD-1"), (535, "O-1"), (41, "ORD-4"), (535, "O-4")]))
case("md", "ok", "snapshot-two-sides", frame(md_snapshot([BID, OFFER])))
case("md", "ok", "snapshot-trade-volume", frame(md_snapshot([[(269, "B"), (271, "100")]])))

# ---- garbled framing: one case (at least) per code ----------------------------------------------
good = frame(new_order())
case("client", "garbled-begin_string", "fix42", frame(new_order(), begin=b"FIX.4.2"))
case("client", "garbled-begin_string", "no-begin-string", good[good.index(b"9="):])
case("client", "garbled-begin_string", "empty", b"")
case("client", "garbled-not_soh_terminated", "no-final-soh", good[:-1])
case("client", "garbled-body_length_missing", "no-body-length",
     b"8=FIX.4.4" + SOH + good[good.index(b"35="):])
case("client", "garbled-body_length_format", "letters", frame(new_order(), body_length=b"12x"))
case("client", "garbled-body_length_format", "ten-digits",
     frame(new_order(), body_length=b"0000000123"))
n = len(body_of(new_order()))
case("client", "garbled-body_length_mismatch", "too-short",
     frame(new_order(), body_length=str(n - 1).encode()))
case("client", "garbled-body_length_mismatch", "too-long",
     frame(new_order(), body_length=str(n + 5).encode()))
case("client", "garbled-checksum_missing", "no-checksum", good[:good.rindex(b"10=")])
case("client", "garbled-checksum_format", "two-digits", good[:-4] + good[-3:])
case("client", "garbled-checksum_mismatch", "off-by-one",
     frame(new_order(), checksum=("%03d" % ((int(good[-4:-1]) + 1) % 256)).encode()))
case("client", "garbled-trailing_data", "two-frames", good + good)


def raw_frame(body):
    """A frame around body bytes as they are (for bodies frame() cannot express)."""
    head = b"8=FIX.4.4" + SOH + b"9=" + str(len(body)).encode() + SOH
    return head + body + b"10=" + ("%03d" % (sum(head + body) % 256)).encode() + SOH


base_body = body_of(new_order())
case("client", "garbled-no_equals", "bare-word", raw_frame(base_body + b"hello" + SOH))
case("client", "garbled-tag_not_numeric", "letters", raw_frame(base_body + b"5a=1" + SOH))
case("client", "garbled-tag_not_numeric", "empty-tag", raw_frame(base_body + b"=1" + SOH))
case("client", "garbled-tag_invalid", "leading-zero", raw_frame(base_body + b"054=1" + SOH))
case("client", "garbled-tag_invalid", "zero", raw_frame(base_body + b"0=1" + SOH))
case("client", "garbled-tag_invalid", "ten-digits", raw_frame(base_body + b"1234567890=1" + SOH))
case("client", "garbled-empty_value", "empty-symbol", frame(new_order(replace={55: b""})))
case("client", "garbled-data_length", "too-long",
     raw_frame(base_body + b"354=40" + SOH + b"355=short" + SOH))
case("client", "garbled-data_length", "not-a-number",
     raw_frame(base_body + b"354=x" + SOH + b"355=short" + SOH))
case("client", "garbled-msg_type_not_third", "sender-first",
     raw_frame(b"49=CLIENT1" + SOH + b"35=D" + SOH))
case("client", "garbled-msg_type_not_third", "empty-body", raw_frame(b""))
case("client", "garbled-too_many_fields", "300-fields",
     frame(new_order(extra=[(5000 + i, "x") for i in range(300)])))

# ---- session rejects: reject-<373>-<371> --------------------------------------------------------
case("client", "reject-11-35", "unknown-msgtype", frame([(35, "ZZ")] + hdr("D")[1:] + [(11, "X")]))
case("client", "reject-1-11", "no-clordid", frame(new_order(drop={11})))
case("client", "reject-1-49", "no-sender", frame(new_order(drop={49})))
case("client", "reject-1-52", "no-sending-time", frame(new_order(drop={52})))
case("client", "reject-1-54", "no-side", frame(new_order(drop={54})))
case("client", "reject-5-54", "side-unknown", frame(new_order(replace={54: "Z"})))
case("client", "reject-6-54", "side-two-chars", frame(new_order(replace={54: "12"})))
case("client", "reject-5-40", "ordtype-unknown", frame(new_order(replace={40: "Z"})))
case("client", "reject-5-59", "tif-unknown", frame(new_order(replace={59: "9"})))
case("client", "reject-5-21", "handlinst-unknown", frame(new_order(replace={21: "4"})))
case("client", "reject-5-38", "qty-zero", frame(new_order(replace={38: "0"})))
case("client", "reject-5-38", "qty-negative", frame(new_order(replace={38: "-5"})))
case("client", "reject-6-38", "qty-not-a-number", frame(new_order(replace={38: "1e6"})))
case("client", "reject-6-38", "qty-plus-sign", frame(new_order(replace={38: "+5"})))
case("client", "reject-5-38", "qty-overflow", frame(new_order(replace={38: "92233720369"})))
case("client", "reject-5-44", "price-nine-decimals", frame(new_order(replace={44: "1.085120001"})))
case("client", "reject-6-44", "price-trailing-dot", frame(new_order(replace={44: "1."})))
case("client", "reject-6-60", "transact-time-feb-30",
     frame(new_order(replace={60: "20260230-09:30:00"})))
case("client", "reject-6-52", "sending-time-no-dash",
     frame(new_order(replace={52: "20260127 09:30:00"})))
case("client", "reject-6-52", "sending-time-micros",
     frame(new_order(replace={52: "20260127-09:30:00.123456"})))
case("client", "reject-5-126", "expire-time-year-9999",
     frame(new_order(replace={59: "6"}, extra=[(126, "99991231-23:59:59")])))
case("client", "reject-6-34", "seqnum-not-a-number", frame(new_order(replace={34: "x1"})))
case("client", "reject-5-34", "seqnum-zero", frame(new_order(replace={34: "0"})))
case("client", "reject-6-43", "possdup-not-boolean",
     frame(hdr("D") + [(43, "X")] + new_order()[5:]))
case("client", "reject-6-15", "currency-lowercase", frame(new_order(extra=[(15, "usd")])))
case("client", "reject-6-11", "clordid-control-char", frame(new_order(replace={11: "OR\x07D"})))
case("client", "reject-5-18", "execinst-unknown", frame(new_order(extra=[(18, "1 T")])))
case("client", "reject-5-836", "peg-offset-type-unknown",
     frame(new_order(replace={40: "P"}, drop={44}, extra=[(18, "a"), (211, "-0.0005"), (836, "7")])))
case("client", "reject-16-78", "alloc-count-mismatch",
     frame(new_order(extra=[(78, "3"), (79, "ACC1"), (80, "600000"), (79, "ACC2"), (80, "400000")])))
case("client", "reject-6-18", "execinst-double-space", frame(new_order(extra=[(18, "1  G")])))
case("client", "reject-13-11", "clordid-twice", frame(new_order(extra=[(11, "ORD-2")])))
case("client", "reject-13-35", "msgtype-twice", frame(new_order(extra=[(35, "D")])))
case("client", "reject-13-49", "sender-twice", frame(hdr("D") + [(49, "X")] + new_order()[5:]))
case("client", "reject-14-49", "header-after-body",
     frame([(35, "D"), (56, "OMS"), (34, 1), (52, T0)] + new_order()[5:] + [(49, "CLIENT1")]))
case("client", "reject-14-10", "checksum-in-body", frame(new_order(extra=[(10, "000")])))
case("client", "reject-14-355", "encoded-text-without-length",
     frame(new_order(extra=[(355, "abc")])))
case("client", "reject-14-354", "length-without-encoded-text",
     frame(new_order(extra=[(354, "3"), (58, "abc")])))
case("client", "reject-0-1500", "undefined-tag", frame(new_order(extra=[(1500, "x")])))
case("client", "reject-0-20", "fix42-exec-trans-type", frame(new_order(extra=[(20, "0")])))
case("client", "reject-2-17", "execid-in-order", frame(new_order(extra=[(17, "E-1")])))
case("client", "reject-15-448", "party-outside-group", frame(new_order(extra=[(448, "T")])))
case("client", "reject-15-452", "party-role-before-id",
     frame(new_order(extra=[(453, 1), (452, "12"), (448, "T")])))
case("client", "reject-15-447", "party-fields-out-of-order",
     frame(new_order(extra=[(453, 1), (448, "T"), (452, "12"), (447, "D")])))
case("client", "reject-16-453", "party-count-too-high",
     frame(new_order(extra=[(453, 2), (448, "T"), (447, "D")])))
case("client", "reject-16-453", "party-count-too-low",
     frame(new_order(extra=[(453, 1), (448, "T"), (448, "U")])))
case("client", "reject-16-802", "party-sub-count-too-high",
     frame(new_order(extra=[(453, 1), (448, "T"), (802, 2), (523, "A")])))
case("client", "reject-5-453", "party-count-zero", frame(new_order(extra=[(453, 0)])))
case("client", "reject-6-453", "party-count-negative",
     frame(new_order(extra=[(453, "-1"), (448, "T")])))
case("client", "reject-5-452", "party-role-unknown",
     frame(new_order(extra=[(453, 1), (448, "T"), (452, "23")])))
case("client", "reject-5-22", "security-id-source-unknown",
     frame(new_order(drop={55}, extra=[(48, "X"), (22, "Z")])))
case("md", "reject-16-268", "count-too-low", frame(md_snapshot([BID, OFFER], count=1)))
case("md", "reject-15-270", "entry-without-type",
     frame(md_snapshot([[(270, "1.0850"), (269, "0")]])))
case("md", "reject-5-269", "entry-type-unknown", frame(md_snapshot([[(269, "Z"), (270, "1")]])))
case("md", "reject-1-268", "no-entries", frame(hdr("W", 1, "VENUE1", "OMS") + [(55, "EURUSD")]))
case("md", "reject-6-273", "entry-time-bad",
     frame(md_snapshot([[(269, "0"), (270, "1"), (273, "25:00:00")]])))
case("venue", "reject-1-17", "fill-without-execid", frame(exec_report(drop={17})))
case("venue", "reject-5-150", "exectype-fix42-partial",
     frame([(t, "1" if t == 150 else v) for t, v in exec_report()]))
case("venue", "reject-5-14", "cumqty-negative",
     frame([(t, "-1" if t == 14 else v) for t, v in exec_report()]))

# ---- business rejects: bizreject-<380> ----------------------------------------------------------
case("client", "bizreject-3", "exec-report-from-client", frame(exec_report()))
case("client", "bizreject-3", "logon", frame(hdr("A") + [(98, "0"), (108, "30")]))
case("venue", "bizreject-3", "new-order-from-venue", frame(new_order()))
case("md", "bizreject-3", "order-on-market-data", frame(new_order()))
case("client", "bizreject-5", "limit-without-price", frame(new_order(drop={44})))
case("client", "bizreject-5", "stop-without-stoppx", frame(new_order(replace={40: "3"}, drop={44})))
case("client", "bizreject-5", "no-symbol", frame(new_order(drop={55})))
case("client", "bizreject-5", "pegged-without-offset",
     frame(new_order(replace={40: "P"}, drop={44}, extra=[(18, "a")])))
case("client", "bizreject-5", "security-id-without-source",
     frame(new_order(drop={55}, extra=[(48, "EU0009652759")])))
case("client", "bizreject-5", "no-quantity", frame(new_order(drop={38})))
case("client", "bizreject-5", "gtd-without-expiry", frame(new_order(replace={59: "6"})))
case("client", "bizreject-5", "mass-cancel-security-without-instrument",
     frame(hdr("q") + [(11, "MC-3"), (530, "1"), (60, T0)]))
case("venue", "bizreject-5", "fill-without-last-px", frame(exec_report(drop={31})))
case("md", "bizreject-5", "bid-without-price", frame(md_snapshot([[(269, "0"), (271, "5")]])))


def main():
    check = sys.argv[1:] == ["--check"]
    if sys.argv[1:] not in ([], ["--check"]):
        sys.exit("usage: make_fix_corpus.py [--check]")
    existing = {f for f in os.listdir(CORPUS)} if os.path.isdir(CORPUS) else set()
    if check:
        bad = sorted(existing ^ set(CASES))
        bad += sorted(n for n in CASES if n in existing and
                      open(os.path.join(CORPUS, n), "rb").read() != CASES[n])
        if bad:
            print("fix_corpus/ differs from make_fix_corpus.py (run it to rewrite): " +
                  ", ".join(bad))
            sys.exit(1)
        print("fix_corpus/: %d cases, up to date" % len(CASES))
        return
    os.makedirs(CORPUS, exist_ok=True)
    for name in existing - set(CASES):
        os.remove(os.path.join(CORPUS, name))
    for name, data in CASES.items():
        with open(os.path.join(CORPUS, name), "wb") as f:
            f.write(data)
    print("wrote %d cases to %s" % (len(CASES), CORPUS))


if __name__ == "__main__":
    main()
