#!/usr/bin/python3
"""Renders every benchmark figure file (*/target/bench/*.json) into docs/benchmarks.md, between the markers
<!-- bench-figures:begin --> and <!-- bench-figures:end -->; everything outside them is left as written.

A figure file holds one figure object or a list of them: {"name", "value", "unit", "baseline", "ratio", ...}.
A file whose figures were measured over rounds gives "min" and "max" (and "median"; else "value" is the median):
they are shown as columns min, median and max in place of value. Other fields are shown as details, except the
run's date, commit and load average, which come from the entries themselves ("date", "commit", "load_average"),
else from the <file>.run.json that bin/bench writes beside the figures, else the file's modification time
("commit and load not recorded").

Usage: bin/bench report [--root DIR] [--doc FILE] [--stdout]
Exit status 2 with one line naming the file and what is wrong when a figure file is malformed.
"""
import argparse
import datetime
import glob
import json
import math
import os
import sys

BEGIN = "<!-- bench-figures:begin -->"
END = "<!-- bench-figures:end -->"
CORE = ("name", "value", "unit", "baseline", "ratio")
SPREAD = ("min", "median", "max")
RUN_FIELDS = ("date", "commit", "load_average")


class BenchFileError(Exception):
    """A figure file that cannot be rendered; the message names the file and the problem."""


def read_json(path, shown_path):
    try:
        with open(path, encoding="utf-8") as f:
            return json.load(f)
    except json.JSONDecodeError as e:
        raise BenchFileError(f"{shown_path}: not valid JSON: {e.msg} at line {e.lineno} column {e.colno}") from None
    except UnicodeDecodeError as e:
        raise BenchFileError(f"{shown_path}: not UTF-8 text: {e.reason}") from None


def load_figures(path, shown_path):
    data = read_json(path, shown_path)
    entries = data if isinstance(data, list) else [data]
    if not entries:
        raise BenchFileError(f"{shown_path}: holds no figures (an empty list)")
    for i, entry in enumerate(entries, 1):
        if not isinstance(entry, dict):
            raise BenchFileError(f"{shown_path}: figure {i} is a {type(entry).__name__}, not an object with name, value and unit")
        for key in ("name", "value"):
            if key not in entry:
                raise BenchFileError(f"{shown_path}: figure {i} has no \"{key}\" (fields: {', '.join(entry) or 'none'})")
        if not isinstance(entry["name"], str) or not entry["name"]:
            raise BenchFileError(f"{shown_path}: figure {i} has a \"name\" that is not a non-empty string: {entry['name']!r}")
        for key in ("value", "baseline", "ratio") + SPREAD:
            v = entry.get(key)
            if v is not None and (isinstance(v, bool) or not isinstance(v, (int, float))):
                raise BenchFileError(f"{shown_path}: figure {i} ({entry['name']}) has a non-numeric \"{key}\": {v!r}")
    return entries


def run_of(path, shown_path, entries):
    """(date, commit, load) of the run that wrote `path`."""
    recorded = {}
    for key in RUN_FIELDS:
        values = {str(e[key]) for e in entries if e.get(key) is not None}
        if values:
            recorded[key] = ", ".join(sorted(values))
    sidecar = path[: -len(".json")] + ".run.json"
    if len(recorded) < len(RUN_FIELDS) and os.path.exists(sidecar):
        run = read_json(sidecar, shown_path[: -len(".json")] + ".run.json")
        if not isinstance(run, dict):
            raise BenchFileError(f"{shown_path[: -len('.json')]}.run.json: not an object with date, commit and load_average")
        for key in RUN_FIELDS:
            if key not in recorded and run.get(key) is not None:
                recorded[key] = str(run[key])
    if "date" not in recorded:
        mtime = datetime.datetime.fromtimestamp(os.path.getmtime(path), datetime.timezone.utc)
        recorded["date"] = mtime.strftime("%Y-%m-%dT%H:%M:%SZ") + " (file time)"
    return recorded["date"], recorded.get("commit", "not recorded"), recorded.get("load_average", "not recorded")


def number(v):
    if v is None:
        return ""
    if isinstance(v, float):
        if math.isnan(v) or math.isinf(v):
            return str(v)
        return f"{v:.3f}".rstrip("0").rstrip(".") if abs(v) < 1e6 else f"{v:.0f}"
    return str(v)


def detail(v):
    if isinstance(v, (int, float)) and not isinstance(v, bool):
        return number(v)
    return v if isinstance(v, str) else json.dumps(v)


def cell(text):
    return str(text).replace("|", "\\|").replace("\n", " ")


def render_file(shown_path, entries, run):
    date, commit, load = run
    lines = [f"### `{shown_path}`", "", f"Run {date}, commit {commit}, load average {load}.", ""]
    # Figures measured over rounds carry min and max (and median, else the value is the median): shown as columns.
    spread = any(e.get("min") is not None or e.get("max") is not None for e in entries)
    shown = CORE + SPREAD if spread else CORE
    extra = [k for e in entries for k in e if k not in shown and k not in RUN_FIELDS]
    extra = list(dict.fromkeys(extra))
    values = ["min", "median", "max"] if spread else ["value"]
    header = ["figure"] + values + ["unit", "baseline", "ratio"] + (["details"] if extra else [])
    lines.append("| " + " | ".join(header) + " |")
    lines.append("|" + "---|" * len(header))
    for e in entries:
        if spread:
            median = e["median"] if e.get("median") is not None else e["value"]
            cells = [number(e.get("min")), number(median), number(e.get("max"))]
        else:
            cells = [number(e["value"])]
        row = [cell(e["name"])] + cells + [cell(e.get("unit") or ""), number(e.get("baseline")), number(e.get("ratio"))]
        if extra:
            details = [f"{k}={detail(e[k])}" for k in extra if k in e and e[k] is not None]
            row.append(cell(", ".join(details)))
        lines.append("| " + " | ".join(row) + " |")
    return "\n".join(lines) + "\n"


def render(root):
    paths = sorted(p for p in glob.glob(os.path.join(root, "*", "target", "bench", "*.json")) if not p.endswith(".run.json"))
    parts = []
    for path in paths:
        shown = os.path.relpath(path, root)
        entries = load_figures(path, shown)
        parts.append(render_file(shown, entries, run_of(path, shown, entries)))
    if not parts:
        return "No figure files were present when this section was generated (run `bin/bench --help`).\n"
    return "\n".join(parts)


def replace_section(doc_text, section, doc_name):
    begin = doc_text.find(BEGIN)
    end = doc_text.find(END)
    if begin < 0 or end < 0 or end < begin:
        raise BenchFileError(f"{doc_name}: the markers {BEGIN} and {END} (in this order) are missing")
    return doc_text[: begin + len(BEGIN)] + "\n" + section + doc_text[end:]


def main(argv):
    here = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    parser = argparse.ArgumentParser(prog="bin/bench report", description="Rewrites the generated figures of docs/benchmarks.md.")
    parser.add_argument("--root", default=here, help="the repository whose */target/bench/*.json are read")
    parser.add_argument("--doc", default=None, help="the document to rewrite (default: ROOT/docs/benchmarks.md)")
    parser.add_argument("--stdout", action="store_true", help="print the section instead of rewriting the document")
    args = parser.parse_args(argv)
    doc = args.doc or os.path.join(args.root, "docs", "benchmarks.md")
    try:
        section = render(args.root)
        if args.stdout:
            sys.stdout.write(section)
            return 0
        with open(doc, encoding="utf-8") as f:
            rewritten = replace_section(f.read(), section, doc)
        with open(doc, "w", encoding="utf-8") as f:  # only once the new text is complete
            f.write(rewritten)
    except BenchFileError as e:
        print(f"bench report: {e}", file=sys.stderr)
        return 2
    print(f"bench report: rewrote the figures of {os.path.relpath(doc)}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
