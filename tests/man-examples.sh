#!/bin/sh
# The manual pages against the programs: every option used in an
# EXAMPLES section is in that program's --help, every JSON example block
# parses, and mandoc -Tlint finds nothing at warning level or above
# (style notes such as "referenced manual not found" depend on what is
# installed).  No test bed.
. "$(dirname "$0")/lib.sh"

command -v python3 >/dev/null || skip_all "python3 not found"
command -v mandoc >/dev/null || skip_all "mandoc not found"
for p in jmx-run jmx-report jmx-schedule jmx-watch; do
	"$JMX_BUILDDIR/$p" --help >"$TEST_DIR/$p.help" 2>&1 ||
	    bail "$p --help failed"
done

for f in "$JMX_SRCDIR"/man/*.[0-9]; do
	mandoc -Tascii -O width=1000 "$f" | col -b \
	    >"$TEST_DIR/$(basename "$f").txt" || bail "mandoc $f"
done

# One TAP line per check, numbered from ours.
python3 - "$JMX_SRCDIR/man" "$TEST_DIR" "$_tap_n" <<'PY' >"$TEST_DIR/tap"
import json, os, re, shlex, sys

mandir, helpdir, n = sys.argv[1], sys.argv[2], int(sys.argv[3])
progs = ("jmx-run", "jmx-report", "jmx-schedule", "jmx-watch")
helps = {p: open(os.path.join(helpdir, p + ".help")).read() for p in progs}

def tap(ok, what, diag=None):
    global n
    n += 1
    print("%sok %d - %s" % ("" if ok else "not ", n, what))
    if not ok and diag:
        print("# " + diag)

def unescape(line):
    return line.replace("\\e", "\\").replace("\\&", "").replace("\\-", "-")

def blocks(lines):
    """Literal blocks and .Dl lines, as (section, [lines])."""
    sec, out, cur = None, [], None
    for l in lines:
        if l.startswith(".Sh "):
            sec = l[4:].strip()
        elif l.startswith(".Bd -literal"):
            cur = []
        elif l.startswith(".Ed") and cur is not None:
            out.append((sec, cur))
            cur = None
        elif cur is not None:
            cur.append(unescape(l))
        elif l.startswith(".Dl "):
            out.append((sec, [unescape(l[4:])]))
    return out

def in_help(prog, opt):
    name = opt.split("=", 1)[0]
    if name.startswith("--"):
        return re.search(re.escape(name) + r"(?![\w-])", helps[prog])
    return re.search(r"(^|[\s,])" + re.escape(name) + r"(?![\w-])",
        helps[prog], re.M)

def objects(text):
    """Each {"...} in text, braces balanced outside strings."""
    i = text.find('{"')
    while i != -1:
        depth, instr, j = 0, False, i
        while j < len(text):
            c = text[j]
            if instr:
                if c == "\\":
                    j += 1
                elif c == '"':
                    instr = False
            elif c == '"':
                instr = True
            elif c in "{[":
                depth += 1
            elif c in "}]":
                depth -= 1
                if depth == 0:
                    break
            j += 1
        yield text[i:j + 1]
        i = text.find('{"', j + 1)

for page in sorted(os.listdir(mandir)):
    lines = open(os.path.join(mandir, page)).read().split("\n")
    checked = 0
    # every JSON object the reader sees, as mandoc renders the page
    text = open(os.path.join(helpdir, page + ".txt")).read()
    for obj in objects(text):
        what = "%s: JSON example parses: %s" % (page,
            " ".join(obj.split())[:50])
        try:
            json.loads(obj)
            tap(True, what)
        except ValueError as e:
            tap(False, what, str(e))
    for sec, body in blocks(lines):
        if sec != "EXAMPLES":
            continue
        for line in " ".join(l.rstrip("\\") for l in body).split("$ "):
            try:
                words = shlex.split(line, comments=False)
            except ValueError:
                words = line.split()
            prog = None
            for w in words:
                w = re.sub(r"^.*\$\(", "", w)
                if w in ("|", ";", "&&", "||") or w.startswith(">"):
                    prog = None
                elif os.path.basename(w) in progs:
                    prog = os.path.basename(w)
                elif prog and w.startswith("-") and len(w) > 1:
                    ok = in_help(prog, w)
                    checked += 1
                    tap(bool(ok), "%s: %s %s is in its --help" %
                        (page, prog, w.split("=", 1)[0]))
    print("# %s: %d example options checked" % (page, checked))
print("N=%d" % n)
PY
grep -v '^N=' "$TEST_DIR/tap"
_tap_n=$(sed -n 's/^N=//p' "$TEST_DIR/tap")
_tap_failed=$((_tap_failed + $(grep -c '^not ok' "$TEST_DIR/tap")))

for f in "$JMX_SRCDIR"/man/*.[0-9]; do
	out=$(mandoc -Tlint -W warning "$f" 2>&1)
	is "$out" "" "$(basename "$f"): mandoc -Tlint clean"
done

done_testing
