#!/usr/bin/env python3
"""Tables (Markdown) and the scaling plot (SVG, hand-written: no plotting package is needed) from
the scale.py results in a directory.
  report.py RESULTS_DIR [--svg docs/scale.svg] [--labels before,after3,after4]
"""
import argparse
import glob
import json
import os

READ_VERBS = ("GET", "LIST")
PENNANT_ONLY = ("canaries", "canaries/status", "httproutes", "grpcroutes", "services", "metrictemplates",
                "alertproviders")


def load(directory, labels=None):
    runs = []
    for path in sorted(glob.glob(os.path.join(directory, "scale-*.json"))):
        with open(path) as f:
            run = json.load(f)
        if labels is None or run.get("label", "") in labels:
            runs.append(run)
    # "before" first, then the other labels in order
    if labels:  # in the order asked for
        return sorted(runs, key=lambda r: (labels.index(r.get("label", "")), r["n"]))
    return sorted(runs, key=lambda r: (r.get("label", "") != "before", r.get("label", ""), r["n"]))


def split_api(window):
    """(reads, writes) of the API server's counts for resources only the controller touches."""
    reads = writes = 0
    for key, count in window["apiserver"].items():
        verb, resource = key.split(" ", 1)
        if resource not in PENNANT_ONLY:
            continue
        if verb in READ_VERBS:
            reads += count
        else:
            writes += count
    return reads, writes


def per_canary(run):
    """Requests per Canary: idle (per minute) and progressing (per analysis interval, 30 s)."""
    idle_w, mixed_w = run["idle_window"], run["mixed_window"]
    n, half = run["n"], run["progressing"]
    out = {}
    for source in ("client", "api"):
        if source == "client":
            idle = (idle_w["client"].get("read", 0), idle_w["client"].get("write", 0))
            mixed = (mixed_w["client"].get("read", 0), mixed_w["client"].get("write", 0))
            if not idle_w["client"] and not mixed_w["client"]:
                out[source] = None
                continue
        else:
            idle, mixed = split_api(idle_w), split_api(mixed_w)
        idle_rate = [c / idle_w["seconds"] / n for c in idle]  # per idle canary per second
        prog = [(m - r * mixed_w["seconds"] * (n - half)) / half / (mixed_w["seconds"] / 30)
                for m, r in zip(mixed, idle_rate)]
        out[source] = {"idle_per_min": [r * 60 for r in idle_rate], "progressing_per_interval": prog}
    return out


def fmt(v, digits=2):
    if v is None:
        return "n/a"
    return f"{v:.{digits}f}"


def cached_objects(run):
    return sum(v["count"] for v in run["census"].values())


def table(runs):
    lines = ["| | " + " | ".join(f"{r.get('label') or '-'} N={r['n']}" for r in runs) + " |",
             "|---" * (len(runs) + 1) + "|"]

    def row(name, fn):
        lines.append(f"| {name} | " + " | ".join(fn(r) for r in runs) + " |")

    pc = {id(r): per_canary(r) for r in runs}
    row("load average (start / end)", lambda r: f"{r['load_average_start'][0]:.1f} / {r['load_average_end'][0]:.1f}")
    row("objects in the controller's caches", lambda r: f"{cached_objects(r):,}")
    row("their JSON (MB)", lambda r: fmt(sum(v['json_bytes'] for v in r['census'].values()) / 2**20))
    row("RSS before any Canary (MB)", lambda r: fmt(r["rss_kb_empty"] / 1024, 1))
    row("RSS peak (VmHWM, MB)", lambda r: fmt(r["rss_kb_peak"] / 1024, 1))
    row("RSS steady, idle window (MB)", lambda r: fmt(r["idle_window"]["rss_kb_median"] / 1024, 1))
    row("RSS steady, mixed window (MB)", lambda r: fmt(r["mixed_window"]["rss_kb_median"] / 1024, 1))
    row("of which anonymous (RssAnon: heap, stacks; MB)",
        lambda r: fmt(r["mixed_window"]["rss_anon_kb_median"] / 1024, 1) if r["mixed_window"].get("rss_anon_kb_median")
        else "n/a")
    row("RSS per cached object (KB, steady - empty)",
        lambda r: fmt((r["mixed_window"]["rss_kb_median"] - r["rss_kb_empty"]) / max(cached_objects(r), 1), 2))
    row("CPU s/min, all idle", lambda r: fmt(r["idle_window"]["cpu_seconds_per_minute"]))
    row("CPU % of one core, all idle", lambda r: fmt(r["idle_window"]["cpu_seconds_per_minute"] / 60 * 100))
    row("CPU s/min, half progressing", lambda r: fmt(r["mixed_window"]["cpu_seconds_per_minute"]))
    for source, label in (("client", "client counters"), ("api", "apiserver_request_total")):
        row(f"reads per idle Canary per minute ({label})",
            lambda r: fmt(pc[id(r)][source]["idle_per_min"][0], 3) if pc[id(r)][source] else "n/a")
        row(f"writes per idle Canary per minute ({label})",
            lambda r: fmt(pc[id(r)][source]["idle_per_min"][1], 3) if pc[id(r)][source] else "n/a")
        row(f"reads per progressing Canary per interval ({label})",
            lambda r: fmt(pc[id(r)][source]["progressing_per_interval"][0]) if pc[id(r)][source] else "n/a")
        row(f"writes per progressing Canary per interval ({label})",
            lambda r: fmt(pc[id(r)][source]["progressing_per_interval"][1]) if pc[id(r)][source] else "n/a")
    row("reaction median / p99 (s)",
        lambda r: f"{fmt(r['reaction']['median_seconds'])} / {fmt(r['reaction']['p99_seconds'])}"
        f" ({r['reaction']['samples']} samples)")
    row("route write p50 / p99 (ms)",
        lambda r: "n/a" if not r.get("route_write", {}).get("count") else
        f"{fmt(r['route_write']['p50_seconds'] * 1000, 1)} / {fmt(r['route_write']['p99_seconds'] * 1000, 1)}"
        f" ({int(r['route_write']['count'])} writes)")
    row("time to initialise all (s)", lambda r: fmt(r["seconds_to_initialize_all"], 0))
    return "\n".join(lines)


def api_breakdown(run, window):
    items = sorted(run[window]["apiserver"].items(), key=lambda kv: -kv[1])
    return ", ".join(f"{k} {int(v)}" for k, v in items if v >= 1)


def svg(runs, path):
    """Steady RSS (MB) and CPU (% of a core, mixed window) against N, one line per label."""
    width, height, pad = 720, 320, 60
    labels = list(dict.fromkeys(r.get("label", "") for r in runs))
    ns = sorted({r["n"] for r in runs})
    colours = ["#c0392b", "#2471a3", "#239b56", "#7d3c98", "#d68910", "#17202a"]
    panels = [("steady RSS (MB)", lambda r: r["mixed_window"]["rss_kb_median"] / 1024),
              ("CPU, % of one core (half progressing)", lambda r: r["mixed_window"]["cpu_seconds_per_minute"] / 0.6)]
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" font-family="sans-serif" '
           f'font-size="12"><rect width="100%" height="100%" fill="white"/>']
    panel_w = (width - pad) / len(panels)
    xs = {n: i for i, n in enumerate(ns)}
    for p, (title, value) in enumerate(panels):
        x0 = pad + p * panel_w
        w, h, y0 = panel_w - pad, height - 2 * pad, pad
        vmax = max([value(r) for r in runs] + [1e-9]) * 1.15
        out.append(f'<text x="{x0 + w / 2}" y="{y0 - 20}" text-anchor="middle" font-weight="bold">{title}</text>')
        out.append(f'<line x1="{x0}" y1="{y0 + h}" x2="{x0 + w}" y2="{y0 + h}" stroke="black"/>')
        out.append(f'<line x1="{x0}" y1="{y0}" x2="{x0}" y2="{y0 + h}" stroke="black"/>')
        for k in range(5):
            v = vmax * k / 4
            y = y0 + h - h * k / 4
            out.append(f'<text x="{x0 - 5}" y="{y + 4}" text-anchor="end">{v:.3g}</text>')
            out.append(f'<line x1="{x0}" y1="{y}" x2="{x0 + w}" y2="{y}" stroke="#ddd"/>')

        def px(n):
            return x0 + (w * xs[n] / max(len(ns) - 1, 1) if len(ns) > 1 else w / 2)
        for n in ns:
            out.append(f'<text x="{px(n)}" y="{y0 + h + 16}" text-anchor="middle">N={n}</text>')
        for li, label in enumerate(labels):
            pts = [(px(r["n"]), y0 + h - h * value(r) / vmax) for r in runs if r.get("label", "") == label]
            colour = colours[li % len(colours)]
            if len(pts) > 1:
                out.append(f'<polyline fill="none" stroke="{colour}" stroke-width="2" points="'
                           + " ".join(f"{x:.1f},{y:.1f}" for x, y in pts) + '"/>')
            for x, y in pts:
                out.append(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="3.5" fill="{colour}"/>')
    for li, label in enumerate(labels):
        colour = colours[li % len(colours)]
        out.append(f'<rect x="{pad + li * 120}" y="{height - 22}" width="12" height="12" fill="{colour}"/>')
        out.append(f'<text x="{pad + li * 120 + 16}" y="{height - 12}">{label or "run"}</text>')
    out.append("</svg>")
    with open(path, "w") as f:
        f.write("\n".join(out) + "\n")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("directory")
    ap.add_argument("--svg", default=None)
    ap.add_argument("--labels", default=None, help="comma-separated run labels to include (default: all)")
    args = ap.parse_args()
    runs = load(args.directory, args.labels.split(",") if args.labels else None)
    if not runs:
        print("no results")
        return
    print(table(runs))
    print()
    for r in runs:
        print(f"- {r.get('label') or '-'} N={r['n']} idle window API calls: {api_breakdown(r, 'idle_window')}")
        print(f"- {r.get('label') or '-'} N={r['n']} mixed window API calls: {api_breakdown(r, 'mixed_window')}")
    svg(runs, args.svg or os.path.join(args.directory, "scale.svg"))


if __name__ == "__main__":
    main()
