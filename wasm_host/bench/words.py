"""The corpus generator's vocabulary: word lists, sentence and code templates.

Subject matter: unikernels, WebAssembly, sandboxes, static sites,
self-hosting; the voice is the seed post's (first person, casual). Data
only; :mod:`wasm_host.bench.corpus` puts it together.
"""

import re
from itertools import accumulate

THINGS = (
    "unikernels", "WebAssembly", "wasm", "the component model", "WASI", "a wasm module",
    "the sandbox", "a static site", "my static site", "this blog", "the build pipeline",
    "containers", "Docker", "a microVM", "Firecracker", "a hypervisor", "Solaris zones",
    "BSD jails", "cgroups", "seccomp filters", "linear memory", "the host", "the guest",
    "capability-based security", "a reverse proxy", "my homelab", "a Raspberry Pi",
    "a tiny VPS", "the CDN", "cold starts", "the attack surface", "a fresh instance",
    "the request path", "the snapshot", "the runtime", "an on-demand instance",
    "the kernel", "a long-running VM", "the toolchain", "the Markdown renderer",
    "the template engine", "the RSS feed", "the sitemap", "syntax highlighting",
    "my deploy script", "the Makefile", "a systemd unit", "TLS certificates",
    "the DNS records", "object storage", "a git hook", "the CI job", "the image size",
    "the memory footprint", "fuel metering", "epoch interruption", "the WIT interface",
    "the import table", "an allocator", "the garbage collector", "the network stack",
    "self-hosting", "the whole stack", "the old setup", "a single binary",
)
TOOLS = (
    "wasmtime", "wasmer", "wazero", "WasmEdge", "Spin", "componentize-py", "wasm-tools",
    "wit-bindgen", "cargo", "rustc", "TinyGo", "Emscripten", "wasi-sdk", "OPS", "Nanos",
    "MirageOS", "IncludeOS", "Unikraft", "LING", "OSv", "Firecracker", "QEMU", "KVM",
    "Xen", "Docker", "Podman", "nginx", "Caddy", "HAProxy", "Hugo", "Pelican", "Zola",
    "Eleventy", "Jekyll", "Netlify", "Cloudflare Workers", "Fastly Compute", "Vultr",
    "Hetzner", "DigitalOcean", "Tailscale", "WireGuard", "systemd", "Nix", "Ansible",
    "Terraform", "rsync", "GitHub Actions", "Gitea", "Forgejo", "Prometheus", "Grafana",
)
LINKS = {
    "wasmtime": "https://wasmtime.dev/", "wasmer": "https://wasmer.io/",
    "wazero": "https://wazero.io/", "Spin": "https://developer.fermyon.com/spin",
    "componentize-py": "https://github.com/bytecodealliance/componentize-py",
    "wasm-tools": "https://github.com/bytecodealliance/wasm-tools", "OPS": "https://ops.city/",
    "Nanos": "https://nanos.org/", "MirageOS": "https://mirage.io/", "Unikraft": "https://unikraft.org/",
    "Firecracker": "https://firecracker-microvm.github.io/", "Caddy": "https://caddyserver.com/",
    "Hugo": "https://gohugo.io/", "Pelican": "https://getpelican.com/", "Zola": "https://www.getzola.org/",
    "Eleventy": "https://www.11ty.dev/", "TinyGo": "https://tinygo.org/", "Tailscale": "https://tailscale.com/",
    "WireGuard": "https://www.wireguard.com/", "Nix": "https://nixos.org/", "nginx": "https://nginx.org/",
    "WASI": "https://wasi.dev/", "WebAssembly": "https://webassembly.org/",
}
GENERIC_LINKS = (
    "https://example.com/notes/unikernels", "https://example.org/wasm-cold-starts",
    "https://example.net/2019/static-sites-are-enough", "https://example.com/talks/sandboxing",
    "https://example.org/blog/self-hosting-in-2023", "https://example.com/papers/library-os.pdf",
)
ADJS = (
    "tiny", "stateless", "boring", "fast", "minimal", "surprisingly pleasant", "brittle", "cheap",
    "reproducible", "secure by default", "overengineered", "predictable", "portable", "fragile",
    "elegant", "clunky", "lightweight", "underrated", "well documented", "half-finished",
    "easy to reason about", "a bit magical", "painfully slow", "good enough", "disposable",
)
VERBS = (
    "boots in a few milliseconds", "keeps the attack surface small", "fits in a few megabytes",
    "throws itself away after every request", "needs no capabilities at all", "starts cold every time",
    "runs the same bytes everywhere", "does one thing and does it well", "costs almost nothing to run",
    "hides most of the complexity", "makes the failure modes obvious", "serves pages straight from memory",
    "gets rebuilt on every push", "sits behind a reverse proxy", "runs without a general-purpose OS",
    "trades flexibility for isolation", "survives a reboot without any state", "scales down to zero",
    "talks to the host through one narrow interface", "compiles ahead of time", "is deterministic",
    "keeps my bill under five dollars a month", "loads from a cached snapshot", "never touches the disk",
)
NEGS = (
    "is hard to debug when it breaks", "still needs a lot of glue", "has rough edges in the tooling",
    "eats more memory than I expected", "is not documented anywhere", "breaks on every minor release",
    "makes logging awkward", "is slower to build than I would like", "needs a patched toolchain",
    "does not play well with threads", "leaks the abstraction at the worst moment",
)
DURATIONS = (
    "a weekend", "two evenings", "most of a week", "a couple of months", "an embarrassing amount of time",
    "about an hour", "three attempts", "a long train ride", "the better part of a year",
)
HOSTS = (
    "a five-dollar VPS", "a Raspberry Pi in the closet", "an old ThinkPad", "Vultr", "Hetzner",
    "a free-tier cloud instance", "a NUC under my desk", "object storage behind a CDN",
)
OPENERS = (
    "Honestly,", "To be fair,", "In practice,", "As it turns out,", "Funny enough,", "For what it is worth,",
    "Looking back,", "Either way,", "On paper,", "In my experience,", "To cut a long story short,",
    "Then again,", "Kinda funny, but", "At the time,", "These days,",
)
NUMS = ("three", "a dozen", "forty", "a hundred", "two hundred", "a few thousand", "ten thousand")
PEOPLE = ("a friend from work", "the folks at OPS", "someone on Mastodon", "a colleague", "my past self",
          "the Bytecode Alliance docs", "an old conference talk", "a comment on Hacker News")

SENTENCES = (
    "{open} {thing} {verb}.",
    "I have been playing with {tool} for {dur}, and {thing} still {verb}.",
    "The idea is simple: {thing} {verb}, and {thing2} {verb2}.",
    "Compared to {thing}, {tool} feels {adj}.",
    "If you squint, {thing} is just {thing2} with {adj} defaults.",
    "My setup runs on {host}, which is {adj} for a blog that gets {num} visitors a month.",
    "It took me {dur} to get {tool} working with {thing}.",
    "What I like about {thing} is that it {verb}.",
    "The downside is that {thing} {neg}.",
    "There is a great write-up on this by {who} that I keep going back to.",
    "Once the request is served, the instance is thrown away and nothing keeps running.",
    "{open} I went down the route of replacing {thing} with {tool}.",
    "I'm cheap, so {thing} has to be {adj} or it does not stay.",
    "{tool} {verb}, which is exactly what I wanted from {thing}.",
    "That said, {thing} {neg}, and {tool} does not help much there.",
    "The first time I saw {thing} I thought it was {adj}, and I still do.",
    "Think of {thing} as {thing2} that {verb}.",
    "Most of the work was in {thing}, not in {thing2}.",
    "I measured it twice: {thing} {verb}, while {thing2} {neg}.",
    "{open} the numbers only matter if {thing} is {adj}.",
    "Not running a server until the moment a request comes in is magic.",
    "I picked it up and put it down a few times over the years, but {thing} keeps pulling me back.",
    "{who} pointed out that {thing} {verb}, and that changed how I saw {thing2}.",
    "It is {adj}, and for a personal site that is the point.",
    "The trick is to keep {thing} {adj} and let {tool} do the rest.",
    "After {dur} with {tool}, my conclusion is that {thing} is {adj}.",
    "Every extra moving part in {thing} is one more thing to patch at two in the morning.",
    "So basically, you load a page, {thing} {verb}, and then it is gone.",
    "I'm not convinced {thing} {verb}, but {tool} makes a good case for it.",
    "None of this is new: {thing} and {thing2} have been around for a long, long time.",
    "{open} {tool} {neg}.",
    "The nice part is that {thing} {verb} without me doing anything clever.",
    "You can get surprisingly far with {thing} and {num} lines of configuration.",
    "{thing} {verb}; {thing2} {verb2}.",
    "The relevant bit lives in `{fn}()`, which is shorter than I expected.",
    "I ended up setting `{opt}` to `{val}` and moving on.",
    "If `{fn}()` fails, {thing} {neg}.",
)
HEADINGS = (
    "Why {thing}", "Getting {tool} running", "What I measured", "The setup", "Where {thing} falls short",
    "A quick detour through {thing}", "Lessons learned", "How the pieces fit", "The numbers",
    "What I would do differently", "Security, briefly", "Cost", "Wrapping up", "Why not {tool}?",
    "Building {thing}", "Deploying with {tool}", "The boring parts", "Things that broke",
    "{thing} versus {thing2}", "Notes on {thing}", "Further reading", "A note on {tool}",
)
TITLES = (
    "Why I keep coming back to {thing}", "Notes on {thing}", "Running {tool} on {host}",
    "{tool} and {thing}: a first look", "Day {day}: {thing} and {thing2}", "What {thing} taught me",
    "Moving this blog to {tool}", "A weekend with {tool}", "{thing} is {adj}",
    "Self-hosting {thing} without the overengineering", "Measuring {thing}", "Sandboxing {thing}",
    "From {thing} to {thing2}", "The case for {thing}", "Revisiting {tool}", "How I deploy {thing}",
)
DESCRIPTIONS = (
    "Quick post on why I keep coming back to {thing}",
    "Some notes from {dur} with {tool}",
    "What I learned moving {thing} to {host}",
    "A short look at {thing} and {thing2}",
    "Thinking out loud about {thing}",
    "Numbers, mistakes and a few opinions about {tool}",
)
LIST_ITEMS = (
    "{thing} {verb}", "keep {thing} {adj}", "measure {thing} before changing it", "{tool} for {thing}",
    "{thing} {neg}", "no state on disk", "one process per request", "rebuild on every push",
    "a single config file", "TLS handled by {tool}", "logs shipped somewhere else", "{thing} is {adj}",
)
STEPS = (
    "Install {tool} and check the version.", "Build {thing} with the release profile.",
    "Copy the output to {host}.", "Point {thing} at the new build.", "Run the smoke test against {thing}.",
    "Measure cold starts with {num} requests.", "Write down what broke and why.",
    "Put {tool} in front of {thing}.", "Turn on caching and measure again.", "Delete the old setup.",
)
TABLE_KINDS = (
    (("Runtime", "Cold start", "Memory", "Notes"), ("{tool}", "{ms} ms", "{mb} MB", "{adj}")),
    (("Setup", "Requests/s", "p99", "Cost/month"), ("{tool}", "{rps}", "{ms} ms", "${usd}")),
    (("Generator", "Build time", "Pages"), ("{tool}", "{sec} s", "{pages}")),
    (("Option", "Default", "What it does"), ("`{opt}`", "`{val}`", "{verb}")),
)
OPTS = ("memory_mb", "timeout", "page_size", "fuel", "max_instances", "cache", "jobs", "keep_resident")
VALS = ("512", "2.0", "10", "true", "false", "none", "auto", "16")
QUOTES = (
    "Make it work, make it right, make it fast.",
    "The cheapest, fastest and most reliable components are those that aren't there.",
    "Everything should be made as simple as possible, but not simpler.",
    "A unikernel is a single address space machine image built from a library operating system.",
    "WebAssembly is a safe, portable, low-level code format designed for efficient execution.",
    "If it hurts, do it more often.",
)
QUOTE_WHO = ("Gordon Bell", "the MirageOS paper", "the WebAssembly spec", "an old sysadmin proverb",
             "a talk I watched years ago", "")
IMAGES = (
    ("/images/erlang-on-xen.png", "LING", "Snapshot when LING was around"),
    ("/images/wasm-sandbox.png", "A sandbox diagram", "One instance per request"),
)
TAGS = (
    "wasm", "unikernels", "self-hosting", "webassembly", "security", "homelab", "static-sites", "rust",
    "NaBloPoMo2023", "docker", "python", "go", "hugo", "performance", "linux", "nginx", "sandboxing",
    "wasi", "devops", "blogging", "firecracker", "networking", "caddy", "javascript", "ci", "dns",
    "tls", "raspberry-pi", "virtualization", "spin", "benchmarks", "NaBloPoMo2022", "mirageos",
    "nix", "wireguard", "monitoring", "serverless", "compilers", "toolchains", "notes",
)
CATEGORIES = ("tech", "challenge", "homelab", "notes", "tutorials", "opinion", "projects", "meta")
_TAG_CUM = list(accumulate(1.0 / (k + 1) ** 1.07 for k in range(len(TAGS))))
_CAT_CUM = list(accumulate(1.0 / (k + 1) ** 0.9 for k in range(len(CATEGORIES))))

# Fenced code. @NAME@, @PORT@, @N@ and @HOST@ are filled per post.
CODE = {
    "python": (
        'import time\n\n\ndef @NAME@(path: str) -> bytes:\n    """Read one page and time it."""\n'
        '    started = time.perf_counter()\n    with open(path, "rb") as fh:\n        data = fh.read()\n'
        '    print(f"{path}: {len(data)} bytes in {time.perf_counter() - started:.3f} s")\n    return data\n',
        'from wasmtime import Engine, Module, Store, Instance\n\nengine = Engine()\nstore = Store(engine)\n'
        'module = Module.from_file(engine, "@NAME@.wasm")\ninstance = Instance(store, module, [])\n'
        'run = instance.exports(store)["run"]\nprint(run(store, @N@))\n',
    ),
    "rust": (
        'use std::time::Instant;\n\nfn @NAME@(pages: &[String]) -> usize {\n    let start = Instant::now();\n'
        '    let total: usize = pages.iter().map(|p| p.len()).sum();\n'
        '    eprintln!("rendered {} bytes in {:?}", total, start.elapsed());\n    total\n}\n',
        '#[no_mangle]\npub extern "C" fn @NAME@(n: u32) -> u32 {\n    (0..n).fold(0, |acc, x| acc.wrapping_add(x * @N@))\n}\n',
    ),
    "go": (
        'package main\n\nimport (\n\t"log"\n\t"net/http"\n)\n\nfunc main() {\n'
        '\thttp.Handle("/", http.FileServer(http.Dir("public")))\n'
        '\tlog.Println("listening on :@PORT@")\n\tlog.Fatal(http.ListenAndServe(":@PORT@", nil))\n}\n',
        'func @NAME@(w http.ResponseWriter, r *http.Request) {\n\tw.Header().Set("Cache-Control", "max-age=@N@")\n'
        '\tw.Write([]byte("ok\\n"))\n}\n',
    ),
    "bash": (
        '#!/usr/bin/env bash\nset -euo pipefail\nhugo --minify\nrsync -az --delete public/ deploy@@HOST@:/srv/www/\n'
        'echo "deployed $(git rev-parse --short HEAD)"\n',
        'ops run -p @PORT@ @NAME@\ncurl -s -o /dev/null -w "%{time_total}\\n" http://localhost:@PORT@/\n',
        'wasmtime run --dir . @NAME@.wasm -- --count @N@\n',
    ),
    "javascript": (
        'const start = performance.now();\nconst { instance } = await WebAssembly.instantiateStreaming(fetch("/@NAME@.wasm"));\n'
        'console.log(instance.exports.run(@N@), `${(performance.now() - start).toFixed(1)} ms`);\n',
        'export default {\n  async fetch(request) {\n    const url = new URL(request.url);\n'
        '    return new Response(`hello from ${url.pathname}`, { status: 200 });\n  },\n};\n',
    ),
    "toml": (
        'title = "@NAME@"\nbase_url = "https://@HOST@/"\npage_size = @N@\n\n[markdown]\nhighlight = true\n',
        '[component]\nsource = "@NAME@.wasm"\nallowed_outbound_hosts = []\n\n'
        '[component.build]\ncommand = "cargo build --release"\n',
    ),
    "yaml": (
        'services:\n  @NAME@:\n    image: nginx:alpine\n    ports:\n      - "@PORT@:80"\n'
        '    volumes:\n      - ./public:/usr/share/nginx/html:ro\n    restart: unless-stopped\n',
        'name: deploy\non:\n  push:\n    branches: [main]\njobs:\n  build:\n    runs-on: ubuntu-latest\n'
        '    steps:\n      - uses: actions/checkout@v4\n      - run: make site\n',
    ),
    "json": (
        '{\n  "name": "@NAME@",\n  "port": @PORT@,\n  "instances": @N@,\n  "sandbox": {"memory_mb": 64, "fuel": null}\n}\n',
    ),
    "wat": (
        '(module\n  (func $@NAME@ (param $n i32) (result i32)\n    local.get $n\n    i32.const @N@\n    i32.mul)\n'
        '  (export "@NAME@" (func $@NAME@)))\n',
        '(module\n  (memory (export "memory") 1)\n  (data (i32.const 0) "hello")\n'
        '  (func (export "len") (result i32) i32.const 5))\n',
    ),
}
CODE_LANGS = tuple(CODE)
CODE_NAMES = ("render", "serve", "handler", "build_site", "hello", "run", "count_pages", "fib", "page")
HOSTNAMES = ("blog.example.org", "example.net", "pi.local", "homelab.lan", "vps.example.com")
CODE_INTROS = (
    "The whole thing fits in a few lines:", "Here is roughly what I ended up with:",
    "This is the part that matters:", "For reference, this is the config:", "Something like this:",
)


def _compile(template: str) -> tuple[tuple[object, ...], bool]:
    """A template as literal strings and slot keys, and whether to capitalise what fills it.

    A sentence that starts with a tool's name keeps its case (``wasmtime``, ``cargo``).
    """
    parts = re.split(r"\{(\w+)\}", template)
    items: list[object] = []
    for i, part in enumerate(parts):
        if i % 2:
            items.append((part,))
        elif part:
            items.append(part)
    capitalise = bool(items) and not isinstance(items[0], str) and items[0] != ("tool",)
    return tuple(items), capitalise


_SENTENCES = [_compile(t) for t in SENTENCES]
_HEADINGS = [_compile(t)[0] for t in HEADINGS]
_TITLES = [_compile(t)[0] for t in TITLES]
_DESCRIPTIONS = [_compile(t)[0] for t in DESCRIPTIONS]
_LIST_ITEMS = [_compile(t)[0] for t in LIST_ITEMS]
_STEPS = [_compile(t)[0] for t in STEPS]
