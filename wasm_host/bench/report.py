"""Showing a benchmark report: a terminal table and a chart."""

from __future__ import annotations

from pathlib import Path
from typing import Any


def _ms(s: dict[str, float], key: str = "median") -> str:
    return f"{s[key]:.2f}" if s.get("n") else "-"


def table(report: dict[str, Any]) -> str:
    """The report as aligned text tables (what `wasmblog bench` prints)."""
    m = report["machine"]
    lines = [f"wasmblog bench, {report['date']}: {m['cpu']}, {m['cores']} cores, Python {m['python']}, "
             f"wasmtime {m['wasmtime']}, componentize-py {m['componentize_py']}", ""]

    if "per_page" in report:
        p = report["per_page"]
        lines += ["Per post page, warm instance (parse + render; ms)",
                  f"  {'engine':8} {'median':>8} {'p95':>8} {'min':>8} {'max':>8}"]
        for name in ("native", "wasm"):
            s = p[f"{name}_ms"]
            lines.append(f"  {name:8} {s['median']:8.2f} {s['p95']:8.2f} {s['min']:8.2f} {s['max']:8.2f}")
        lines += [f"  wasm/native: {p['ratio']:.2f}x over {p['documents']} pages"
                  f" (identical output: {'yes' if p['identical_output'] else 'NO'})", ""]

    if "fresh_instance" in report:
        f = report["fresh_instance"]
        lines += [f"Fresh sandbox per request ({f['requests']} post pages; ms)",
                  f"  {'step':12} {'p50':>7} {'p95':>7} {'p99':>7} {'max':>7}"]
        for key, label in (("instantiate_ms", "instantiate"), ("render_ms", "render"), ("drop_ms", "drop"),
                           ("total_ms", "total"), ("native_render_ms", "native"),):
            s = f[key]
            lines.append(f"  {label:12} {s['median']:7.2f} {s['p95']:7.2f} {s['p99']:7.2f} {s['max']:7.2f}")
        if "cpu_per_request_ms" in f:  # older reports lack it
            lines.append(f"  CPU per fresh sandbox (instantiate + render + drop, all threads): "
                         f"{f['cpu_per_request_ms']:.2f} ms")
        elif "cpu_per_cycle_ms" in f:
            lines.append(f"  CPU per request (process, native render included): {f['cpu_per_cycle_ms']:.2f} ms")
        lines.append("")

    if "library" in report:
        lib = report["library"]
        lines += [f"Library use: render_markdown per document ({lib['documents']} post bodies; ms)",
                  f"  {'how':34} {'median':>8} {'p95':>8} {'x native':>9}"]
        for key, label, ratio in (("native_ms", "native", 1.0),
                                  ("per_call_ms", "wasm, fresh instance per call", lib["per_call_ratio"]),
                                  ("session_ms", f"wasm, session (max_calls={lib['session_max_calls']})",
                                   lib["session_ratio"])):
            s = lib[key]
            lines.append(f"  {label:34} {s['median']:8.2f} {s['p95']:8.2f} {ratio:8.2f}x")
        lines += [f"  identical output: {'yes' if lib['identical_output'] else 'NO'}", ""]

    if "startup" in report:
        s = report["startup"]
        lines += ["Start-up",
                  f"  componentize {s['componentize_s']:.1f} s, Cranelift compile {s['compile_s']:.1f} s, "
                  f"cached load {_ms(s['cached_load_ms'])} ms (runtime ready in {_ms(s['cached_runtime_ms'])} ms)",
                  ""]
    if "footprint" in report:
        f = report["footprint"]
        lines += ["Footprint",
                  f"  component {f['component_bytes'] / 1e6:.1f} MB, compiled {f['compiled_bytes'] / 1e6:.1f} MB, "
                  f"initial linear memory {f['initial_linear_memory_bytes'] / 2**20:.1f} MiB, "
                  f"smallest cap for a post page {f['min_memory_cap_mib_post_page']} MiB, "
                  f"host RSS per live instance {f['rss_per_live_instance_bytes'] / 2**20:.1f} MiB", ""]

    if report.get("builds"):
        lines += ["Whole-site build, cold process (`wasmblog build`)",
                  f"  {'posts':>6} {'engine':7} {'jobs':>4} {'wall s':>8} {'p95':>7} {'cpu s':>7} "
                  f"{'pages/s':>8} {'ms/page':>8} {'peak MB':>8}"]
        for r in sorted(report["builds"], key=lambda r: (r["posts"], r["engine"], r["jobs"])):
            lines.append(f"  {r['posts']:6} {r['engine']:7} {r['jobs']:4} {r['wall_s']['median']:8.2f} "
                         f"{r['wall_s']['p95']:7.2f} {r['cpu_s']['median']:7.2f} {r['pages_per_s']:8.1f} "
                         f"{r['ms_per_page']:8.3f} {r['peak_rss_mb']:8.1f}")
        for r in report.get("peers", []):
            if "error" in r:
                lines.append(f"  {r['posts']:6} {r['tool']:7}  error: {r['error'].splitlines()[0]}")
            else:
                lines.append(f"  {r['posts']:6} {r['tool']:7} {'':>4} {r['seconds']:8.2f} {'':>7} "
                             f"{r['cpu_seconds']:7.2f} {r['pages_per_s']:8.1f} {r['ms_per_page']:8.3f} "
                             f"{r['peak_rss_mb']:8.1f}   ({r['tool']} {r['version']})")
        lines.append("")

    if report.get("rebuilds"):
        lines += _rebuilds(report)
    if report.get("targets"):
        from .targets import table as targets_table

        lines += targets_table(report["targets"], report) + [""]

    if "hosts" in report:
        from .hosts import format_hosts

        lines += [*format_hosts(report["hosts"]), ""]

    if report.get("search"):
        from .search import format_rows

        lines += format_rows(report["search"]) + [""]

    if "serve" in report:
        from .load import format_table

        lines += ["Server under load (wrk on loopback, `wasmblog serve`)", format_table(report["serve"]), ""]
    if report.get("edit_loop"):
        lines.append("Edit loop: a post saved -> its new text served (median, min-max of the rounds, in ms)")
        for loop in report["edit_loop"]:
            for name, label in (("wasmblog", "wasmblog serve (memo, wasm)"), ("hugo", "hugo server")):
                r = loop.get(name)
                if r and r.get("runs_ms"):
                    version = f" {r['version']}" if r.get("version") else ""
                    lines.append(f"  {loop['posts']:6,} posts  {label + version:36} {r['median_ms']:8.1f}  "
                                 f"({r['min_ms']:g}-{r['max_ms']:g}, {len(r['runs_ms'])} rounds)")
        lines.append("Live reload: a post saved, with a tab watching -> the reload message; -> the page the tab "
                     "asks for (medians, ms)")
        for loop in report["edit_loop"]:
            for name, label in (("wasmblog", "wasmblog serve (memo, wasm)"), ("hugo", "hugo server")):
                live = (loop.get(name) or {}).get("live_reload")
                if live:
                    lines.append(f"  {loop['posts']:6,} posts  {label:36} {live['message_median_ms']:8.1f}  "
                                 f"{live['page_median_ms']:8.1f}")
        lines.append("")
    lines.append(f"({report.get('seconds', 0):.0f} s in all)")
    return "\n".join(lines)


def _rebuilds(report: dict[str, Any]) -> list[str]:
    """Cold builds and rebuilds with the render cache, whole processes, Hugo beside them."""
    lines = ["Rebuilds (`wasmblog build`, default --jobs, no SOURCE_DATE_EPOCH; whole processes; s)",
             f"  {'posts':>6} {'engine':7} {'what':34} {'wall s':>8} {'cpu s':>7} {'pages':>6} {'reused':>6} "
             f"{'x Hugo':>7}"]
    labels = {"cold": "cold, all cores (--no-cache)", "first": "first build, empty render cache",
              "unchanged": "rebuild, nothing changed", "one_edit": "rebuild, one post edited"}
    for block in (report.get("rebuilds"), report.get("rebuilds_large")):
        if not block:
            continue
        n = block["posts"]
        hugo = (report.get("hugo") or {}).get(str(n)) or {}
        for engine in ("native", "wasm"):
            for key, label in labels.items():
                r = (block.get(engine) or {}).get(key)
                if not r:
                    continue
                multiple = f"{r['seconds'] / hugo['seconds']:.2f}x" if hugo.get("seconds") else ""
                lines.append(f"  {n:6} {engine:7} {label:34} {r['seconds']:8.2f} {r['cpu_seconds']:7.2f} "
                             f"{r['pages']:6} {r['reused']:6} {multiple:>7}")
        if hugo.get("seconds"):
            lines.append(f"  {n:6} {'hugo':7} {'full build (' + hugo.get('version', '') + ')':34} "
                         f"{hugo['seconds']:8.2f} {'':>7} {hugo['pages']:6}")
        elif hugo.get("error"):
            lines.append(f"  {n:6} hugo    error: {hugo['error'].splitlines()[0]}")
    lines.append("")
    return lines


def chart(report: dict[str, Any], path: Path) -> None:
    """Per-page time and build throughput, native vs wasm (and peers), as PNG or SVG."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    colours = {"native": "#4c72b0", "wasm": "#dd8452", "hugo": "#55a868", "hugo-os": "#a6d8a8", "pelican": "#8172b3"}
    if "per_page" not in report and "builds" not in report and "hosts" in report:  # bench --hosts-only
        fig, hosts_axes = plt.subplots(1, 1, figsize=(7, 4.8), constrained_layout=True)
        _hosts_panel(hosts_axes, report["hosts"])
        m = report["machine"]
        fig.suptitle(f"wasmblog hosts ({m['cpu']}, {m['cores']} cores, {report['date'][:10]})", fontsize=10)
        fig.savefig(path)
        plt.close(fig)
        return
    if "hosts" in report:
        fig, (left, right, hosts_axes) = plt.subplots(1, 3, figsize=(18, 4.8), constrained_layout=True)
        _hosts_panel(hosts_axes, report["hosts"])
    else:
        fig, (left, right) = plt.subplots(1, 2, figsize=(12, 4.8), constrained_layout=True)

    # Left: a post page. Parse + render in a warm instance; then render alone in
    # a new sandbox per request, stacked as instantiate / render / drop.
    xs: list[float] = []
    labels: list[str] = []
    if "per_page" in report:
        for i, name in enumerate(("native", "wasm")):
            st = report["per_page"][f"{name}_ms"]
            bar = left.bar(i, st["median"], yerr=[[0], [st["p95"] - st["median"]]], color=colours[name], capsize=4)
            left.bar_label(bar, fmt="%.2f", padding=2)
            xs.append(i)
            labels.append(f"{name}\nparse+render\n(warm)")
    if "fresh_instance" in report:
        f = report["fresh_instance"]
        base = len(xs) + 0.5
        nat = left.bar(base, f["native_render_ms"]["median"], color=colours["native"])
        left.bar_label(nat, fmt="%.2f", padding=2)
        bottom = 0.0
        for key, shade, label in (("instantiate_ms", "#f2b48c", "instantiate"), ("render_ms", colours["wasm"], "render"),
                                  ("drop_ms", "#9c4f1f", "drop")):
            value = f[key]["median"]
            left.bar(base + 1, value, bottom=bottom, color=shade, label=f"fresh sandbox: {label}")
            bottom += value
        left.text(base + 1, bottom, f"{bottom:.2f}", ha="center", va="bottom")
        xs += [base, base + 1]
        labels += ["native\nrender", "wasm render in\na new sandbox"]
        left.legend(fontsize=8, loc="upper right")
    left.set_xticks(xs, labels, fontsize=8)
    ratio = report.get("per_page", {}).get("ratio")
    left.set_title("Post page, median ms (whisker: p95)" + (f"; warm wasm/native {ratio:.2f}x" if ratio else ""),
                   fontsize=10)
    left.set_ylabel("milliseconds (lower is better)")
    left.set_ylim(0, left.get_ylim()[1] * 1.15)

    builds = report.get("builds", [])
    sizes = sorted({r["posts"] for r in builds})
    series: list[tuple[str, str, list[float]]] = []
    for engine in ("native", "wasm"):
        for j in sorted({r["jobs"] for r in builds}):
            by = {r["posts"]: r["pages_per_s"] for r in builds if r["engine"] == engine and r["jobs"] == j}
            series.append((f"{engine} -j{j}", engine, [by.get(n, 0.0) for n in sizes]))
    for tool in sorted({r["tool"] for r in report.get("peers", []) if "error" not in r}):
        by = {r["posts"]: r["pages_per_s"] for r in report["peers"] if r.get("tool") == tool and "error" not in r}
        series.append((tool, tool, [by.get(n, 0.0) for n in sizes]))
    width = 0.8 / max(1, len(series))
    for k, (label, key, vals) in enumerate(series):
        xs = [i + (k - (len(series) - 1) / 2) * width for i in range(len(sizes))]
        alpha = 1.0 if "-j1" in label or key in ("hugo", "hugo-os", "pelican") else 0.6
        right.bar(xs, vals, width=width, color=colours.get(key, "#999999"), alpha=alpha, label=label,
                  hatch="//" if "-j2" in label else None, edgecolor="white")
    right.set_xticks(range(len(sizes)), [f"{n:,} posts" for n in sizes])
    right.set_ylabel("pages per second (higher is better)")
    right.set_title("Whole-site build, cold process", fontsize=10)
    right.legend(fontsize=8, ncols=3, loc="upper center", bbox_to_anchor=(0.5, -0.08))
    m = report["machine"]
    fig.suptitle(f"wasmblog: native vs WebAssembly sandbox ({m['cpu']}, {m['cores']} cores, {report['date'][:10]})",
                 fontsize=10)
    fig.savefig(path)
    plt.close(fig)


def _hosts_panel(ax: Any, hosts: dict[str, Any]) -> None:
    """Warm ms per page on each host (bars), requests/s at c=8 written above them."""
    palette = {"native": "#4c72b0", "wasmtime-py": "#dd8452", "node": "#55a868", "jco serve": "#8172b3",
               "jco, 1 inst.": "#b3a5d6"}
    rows = hosts["rows"]
    for i, row in enumerate(rows):
        st = row["warm_ms"]
        bar = ax.bar(i, st["median"], yerr=[[0], [max(0.0, st.get("p95", st["median"]) - st["median"])]],
                     color=palette.get(row["host"], "#999999"), capsize=4)
        rps = (row.get("rps") or {}).get("rps")
        label = f"{st['median']:.2f} ms" + (f"\n{rps:.0f} req/s" if rps else "")
        ax.bar_label(bar, labels=[label], padding=2, fontsize=8)
    ax.set_xticks(range(len(rows)), [f"{r['host']}\nload {r['load_ms']['median']:.0f} ms\n"
                                     f"{r['size_bytes'] / 1e6:.0f} MB" if r["size_bytes"] else
                                     f"{r['host']}\nload {r['load_ms']['median']:.0f} ms" for r in rows], fontsize=8)
    ax.set_yscale("log")  # sub-millisecond native and 100+ ms per fresh jco instance on one axis
    ax.set_ylabel("warm ms per post page, log scale (lower is better)")
    ax.set_title(f"One post page on each host; req/s at c={hosts['concurrency']}", fontsize=10)
    ax.set_ylim(ax.get_ylim()[0], ax.get_ylim()[1] * 3)
