#!/usr/bin/python3
"""check_fix44.py - the FIX codec's tables (as fix_spec_dump prints them) against the FIX 4.4
dictionary in QuickFIX's FIX44.xml. The codec is built and runs without the XML; this test is
where the two are held together.

    check_fix44.py FIX_SPEC_DUMP FIX44.xml

Exits 0 when they agree, 1 listing every disagreement, 77 (ctest's skip) when the XML is missing.

What "agree" means:
- every MsgType FIX 4.4 defines, every tag number it defines, and its DATA fields with the
  LENGTH field before each, are exactly the dictionary's;
- every field the codec models has the dictionary's name and type; an enumerated field accepts
  exactly the dictionary's values (BOOLEAN fields accept Y and N by type);
- the header and trailer are the dictionary's fields, in its order, with its required flags;
- for each message the codec supports: its name; its required fields are exactly the
  dictionary's (fields required on a path of required components, outside groups); every field it
  models is a top-level field of that message; each group it models has the dictionary's members
  in the dictionary's order and required flags (nested groups too), and no required member beyond
  the first (the first starts each instance, so the validator gets it by structure); the tags it
  allows are exactly those the dictionary puts anywhere in the message;
- no repeating group the codec does not model contains a tag the codec models in that message
  (or the codec's duplicate check would refuse that group's second instance);
- conditional rules name modelled fields of their message or group, with enumerated values.
"""
import json
import os
import subprocess
import sys
import xml.etree.ElementTree as ET

problems = []


def problem(msg):
    problems.append(msg)


def main():
    if len(sys.argv) != 3:
        sys.exit("usage: check_fix44.py FIX_SPEC_DUMP FIX44.xml")
    dump_exe, xml_path = sys.argv[1], sys.argv[2]
    if not xml_path or not os.path.isfile(xml_path):
        print("skipped: FIX 4.4 dictionary not found at '%s' (set OMS_FIX44_XML)" % xml_path)
        sys.exit(77)
    codec = json.loads(subprocess.run([dump_exe], check=True, stdout=subprocess.PIPE).stdout)
    root = ET.parse(xml_path).getroot()
    comps = {c.get("name"): c for c in root.find("components")}
    by_name = {f.get("name"): f for f in root.find("fields")}
    by_num = {int(f.get("number")): f for f in root.find("fields")}
    num = lambda name: int(by_name[name].get("number"))

    def top(node, req=True):
        """top-level entries of a message/component/group: (tag, required, group element)"""
        out = []
        for ch in node:
            r = req and ch.get("required") == "Y"
            if ch.tag == "component":
                out += top(comps[ch.get("name")], r)
            else:
                out.append((num(ch.get("name")), r, ch if ch.tag == "group" else None))
        return out

    def flat(node, acc):
        for ch in node:
            if ch.tag == "component":
                flat(comps[ch.get("name")], acc)
            else:
                acc.add(num(ch.get("name")))
                if ch.tag == "group":
                    flat(ch, acc)
        return acc

    # ---- the catalogue: message types, tags, data fields, field definitions -------------------
    dict_types = [m.get("msgtype") for m in root.find("messages")]
    if sorted(codec["msg_types_fix44"]) != sorted(dict_types):
        problem("MsgType list differs: codec-only %s, dictionary-only %s" % (
            sorted(set(codec["msg_types_fix44"]) - set(dict_types)),
            sorted(set(dict_types) - set(codec["msg_types_fix44"]))))
    if max(by_num) != codec["max_tag"]:
        problem("largest tag: dictionary %d, codec %d" % (max(by_num), codec["max_tag"]))
    if sorted(by_num) != codec["defined"]:
        problem("defined tags differ: codec-only %s, dictionary-only %s" % (
            sorted(set(codec["defined"]) - set(by_num)),
            sorted(set(by_num) - set(codec["defined"]))))
    data_fields = sorted((data_len_tag(by_num, by_name, t), t) for t, f in by_num.items()
                         if f.get("type") == "DATA")
    if sorted(map(tuple, codec["data_fields"])) != data_fields:
        problem("DATA fields and their lengths differ: codec %s, dictionary %s" % (
            codec["data_fields"], data_fields))

    fields = {f["tag"]: f for f in codec["fields"]}
    for tag, f in fields.items():
        d = by_num.get(tag)
        if d is None:
            problem("field %d (%s) is not in FIX 4.4" % (tag, f["name"]))
            continue
        if f["name"] != d.get("name") or f["type"] != d.get("type"):
            problem("field %d: codec %s %s, dictionary %s %s" % (
                tag, f["name"], f["type"], d.get("name"), d.get("type")))
        values = [v.get("enum") for v in d]
        if d.get("type") == "BOOLEAN":
            if f["values"] is not None or not set(values) <= {"Y", "N"}:
                problem("boolean field %d: codec values %s, dictionary %s" % (
                    tag, f["values"], values))
        elif (f["values"] is None) != (not values) or sorted(f["values"] or []) != sorted(values):
            problem("field %d %s enumeration: codec %s, dictionary %s" % (
                tag, f["name"], f["values"], values))
        if f["range"] != "any" and d.get("type") not in (
                "INT", "SEQNUM", "LENGTH", "QTY", "PRICE", "AMT", "PERCENTAGE", "FLOAT"):
            problem("field %d has a range but type %s" % (tag, d.get("type")))

    def check_members(where, codec_ms, dict_entries, exact):
        """exact: the codec lists exactly the dictionary's entries (groups, header, trailer)."""
        by_tag = {t: (r, g) for t, r, g in dict_entries}
        for m in codec_ms:
            if m["tag"] not in fields:
                problem("%s: member %d has no field definition" % (where, m["tag"]))
            if m["tag"] not in by_tag:
                problem("%s: %d is not a top-level field there in FIX 4.4" % (where, m["tag"]))
                continue
            r, g = by_tag[m["tag"]]
            if m["required"] != r:
                problem("%s: %d required: codec %s, dictionary %s" % (
                    where, m["tag"], m["required"], r))
            if ("group" in m) != (g is not None):
                problem("%s: %d is a group in one and not the other" % (where, m["tag"]))
            elif g is not None:
                check_group("%s/%d" % (where, m["tag"]), m["group"], g)
        codec_tags = [m["tag"] for m in codec_ms]
        if exact and codec_tags != [t for t, _, _ in dict_entries]:
            problem("%s: members %s, dictionary %s" % (
                where, codec_tags, [t for t, _, _ in dict_entries]))
        missing = [t for t, r, _ in dict_entries if r and t not in codec_tags]
        if missing:
            problem("%s: dictionary-required fields the codec does not require: %s" % (
                where, missing))

    def check_group(where, cg, g):
        entries = top(g)
        check_members(where, cg["members"], entries, exact=True)
        extra_required = [m["tag"] for m in cg["members"][1:] if m["required"]]
        if extra_required:
            problem("%s: required members beyond the first need a per-instance check the "
                    "validator does not have: %s" % (where, extra_required))

    check_members("header", codec["header"], top(root.find("header")), exact=True)
    check_members("trailer", codec["trailer"], top(root.find("trailer")), exact=True)

    # ---- messages ---------------------------------------------------------------------------
    msgs = {m.get("msgtype"): m for m in root.find("messages")}
    for cm in codec["messages"]:
        mt = cm["msg_type"]
        where = "35=%s" % mt
        dm = msgs.get(mt)
        if dm is None:
            problem("%s is not a FIX 4.4 message" % where)
            continue
        if cm["name"] != dm.get("name"):
            problem("%s: name %s, dictionary %s" % (where, cm["name"], dm.get("name")))
        entries = top(dm)
        check_members(where, cm["members"], entries, exact=False)
        allowed = flat(dm, set())
        if sorted(allowed) != cm["allowed"]:
            problem("%s: allowed tags differ: codec-only %s, dictionary-only %s" % (
                where, sorted(set(cm["allowed"]) - allowed), sorted(allowed - set(cm["allowed"]))))
        modelled = set()

        def collect(ms):
            for m in ms:
                modelled.add(m["tag"])
                if "group" in m:
                    collect(m["group"]["members"])
        collect(cm["members"])
        modelled_groups = set()

        def collect_groups(ms):
            for m in ms:
                if "group" in m:
                    modelled_groups.add(m["tag"])
                    collect_groups(m["group"]["members"])
        collect_groups(cm["members"])
        for g in groups_in(dm, comps):
            gt = num(g.get("name"))
            if gt in modelled_groups:
                continue
            clash = flat(g, {gt}) & modelled
            if clash:
                problem("%s: unmodelled group %s(%d) holds modelled tags %s" % (
                    where, g.get("name"), gt, sorted(clash)))
        if cm["id_tag"] and cm["id_tag"] not in [m["tag"] for m in cm["members"]]:
            problem("%s: id_tag %d is not a modelled field" % (where, cm["id_tag"]))
        for rule in cm["rules"]:
            if rule["group"]:
                g = find_group(cm["members"], rule["group"])
                scope = [m["tag"] for m in g["members"]] if g else []
            else:
                scope = [m["tag"] for m in cm["members"]]
                inner = modelled - set(scope)
                if rule["if_tag"] in inner or set(rule["need"]) & inner:
                    problem("%s: rule %r names group members at message level" % (
                        where, rule["text"]))
            for t in [rule["if_tag"]] * bool(rule["if_tag"]) + rule["need"]:
                if t not in scope:
                    problem("%s: rule %r names %d, not modelled in its scope" % (
                        where, rule["text"], t))
            if rule["if_values"]:
                vals = fields[rule["if_tag"]]["values"] or []
                bad = [v for v in rule["if_values"].split(" ") if v not in vals]
                if bad:
                    problem("%s: rule %r: values %s are not in %d's enumeration" % (
                        where, rule["text"], bad, rule["if_tag"]))

    if problems:
        print("the codec's tables disagree with %s:" % xml_path)
        for p in problems:
            print("  " + p)
        sys.exit(1)
    print("codec tables agree with %s: %d fields, %d messages, %d MsgTypes, %d tags" % (
        xml_path, len(fields), len(codec["messages"]), len(dict_types), len(by_num)))


def data_len_tag(by_num, by_name, tag):
    """The LENGTH field of a DATA field, by the dictionary's naming: XxxLen or XxxLength."""
    name = by_num[tag].get("name")
    for cand in (name + "Len", name + "Length"):
        if cand in by_name and by_name[cand].get("type") == "LENGTH":
            return int(by_name[cand].get("number"))
    problems.append("DATA field %s(%d) has no LENGTH field in the dictionary" % (name, tag))
    return 0


def groups_in(node, comps):
    """Every group element in a message, through its components and inside other groups."""
    for ch in node:
        if ch.tag == "component":
            yield from groups_in(comps[ch.get("name")], comps)
        elif ch.tag == "group":
            yield ch
            yield from groups_in(ch, comps)


def find_group(ms, count_tag):
    for m in ms:
        if "group" in m:
            if m["group"]["count_tag"] == count_tag:
                return m["group"]
            g = find_group(m["group"]["members"], count_tag)
            if g:
                return g
    return None


if __name__ == "__main__":
    main()
