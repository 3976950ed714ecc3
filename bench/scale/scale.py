#!/usr/bin/env python3
"""One scale run of the Pennant controller against a running testbed (test/cluster/cluster.sh).

Creates N Deployments with Canaries (half idle: promoted once and then Succeeded; half
progressing: 1% steps every 30 s with a Prometheus metric check), runs the controller binary,
and measures: peak/steady RSS, CPU seconds per minute, API requests per Canary per analysis
interval (client counters from the controller's /metrics and the API server's
apiserver_request_total), reaction time from a Deployment change to Progressing with the canary
scaled up, and the route write round trip. Writes one JSON result file.
  scale.py --cluster DIR --pennant BIN --prometheus URL --n 1000 --out result.json
"""
import argparse
import concurrent.futures as futures
import json
import os
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from kube import ApiError, Kube, parse_prometheus_text, read_env  # noqa: E402

PER_NAMESPACE = 100
PROGRESSING_INTERVAL = 30  # seconds: the analysis interval of the progressing half
IDLE_INTERVAL = 10         # the idle half's interval (short, so its one promotion is quick)
WATCHED = [  # (path, name) of everything the controller caches
    ("/apis/flagger.app/v1beta1/canaries", "canaries"),
    ("/apis/apps/v1/deployments", "deployments"),
    ("/api/v1/configmaps", "configmaps"),
    ("/api/v1/secrets", "secrets"),
    ("/api/v1/services", "services"),
    ("/apis/gateway.networking.k8s.io/v1/httproutes", "httproutes"),
    ("/apis/gateway.networking.k8s.io/v1/grpcroutes", "grpcroutes"),
    ("/apis/flagger.app/v1beta1/metrictemplates", "metrictemplates"),
    ("/apis/flagger.app/v1beta1/alertproviders", "alertproviders"),
]


def log(msg):
    print(f"[{time.strftime('%H:%M:%S')}] {msg}", flush=True)


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def names(n):
    """[(namespace, name, idle)] for N canaries: even indices idle, odd progressing."""
    return [(f"bench-{i // PER_NAMESPACE:03d}", f"app-{i:05d}", i % 2 == 0) for i in range(n)]


def deployment(ns, name):
    return {
        "apiVersion": "apps/v1", "kind": "Deployment",
        "metadata": {"name": name, "namespace": ns, "labels": {"app": name}},
        "spec": {
            "replicas": 1,
            "selector": {"matchLabels": {"app": name}},
            "template": {
                "metadata": {"labels": {"app": name}, "annotations": {"bench/rev": "0"}},
                "spec": {"containers": [{
                    "name": "app", "image": "ghcr.io/example/app:1.0",
                    "ports": [{"name": "http", "containerPort": 8080}],
                    "resources": {"requests": {"cpu": "10m", "memory": "16Mi"}},
                    "readinessProbe": {"httpGet": {"path": "/ready", "port": 8080}},
                }]},
            },
        },
    }


def canary(ns, name, idle):
    analysis = {"interval": f"{IDLE_INTERVAL if idle else PROGRESSING_INTERVAL}s", "threshold": 5,
                "maxWeight": 50 if idle else 99, "stepWeight": 50 if idle else 1,
                "metrics": [{"name": "ok-rate", "templateRef": {"name": "ok-rate", "namespace": "pennant-bench"},
                             "thresholdRange": {"min": 99}, "interval": "1m"}]}
    return {
        "apiVersion": "flagger.app/v1beta1", "kind": "Canary",
        "metadata": {"name": name, "namespace": ns},
        "spec": {
            "provider": "gatewayapi:v1",
            "targetRef": {"apiVersion": "apps/v1", "kind": "Deployment", "name": name},
            "progressDeadlineSeconds": 600,
            "service": {"port": 8080, "gatewayRefs": [{"name": "gw"}], "hosts": [f"{name}.example"]},
            "analysis": analysis,
        },
    }


class Tracker:
    """Watch-fed state of Canary phases and Deployment replicas, with when each last changed."""

    def __init__(self):
        self.mu = threading.Lock()
        self.phase = {}     # key -> (phase, since)
        self.replicas = {}  # key -> (replicas, since)

    def on_canary(self, _type, obj, now):
        key = obj["metadata"]["namespace"] + "/" + obj["metadata"]["name"]
        phase = obj.get("status", {}).get("phase", "")
        with self.mu:
            if self.phase.get(key, (None,))[0] != phase:
                self.phase[key] = (phase, now)

    def on_deployment(self, _type, obj, now):
        key = obj["metadata"]["namespace"] + "/" + obj["metadata"]["name"]
        replicas = obj.get("spec", {}).get("replicas", 0)
        with self.mu:
            if self.replicas.get(key, (None,))[0] != replicas:
                self.replicas[key] = (replicas, now)

    def count(self, keys, phases):
        with self.mu:
            return sum(1 for k in keys if self.phase.get(k, ("",))[0] in phases)


class Process:
    """The controller process: /proc sampling of RSS and CPU, its /metrics."""

    def __init__(self, argv, log_path, health_port):
        self.health = f"http://127.0.0.1:{health_port}"
        self.proc = subprocess.Popen(argv, stdout=open(log_path, "w"), stderr=subprocess.STDOUT,
                                     stdin=subprocess.DEVNULL)
        self.tick = os.sysconf("SC_CLK_TCK")
        self.samples = []  # (monotonic, rss_kb, cpu_seconds, rss_anon_kb)
        self.stop = threading.Event()
        threading.Thread(target=self._sample, daemon=True).start()

    def status(self, key):
        with open(f"/proc/{self.proc.pid}/status") as f:
            for line in f:
                if line.startswith(key + ":"):
                    return int(line.split()[1])
        return 0

    def cpu(self):
        with open(f"/proc/{self.proc.pid}/stat") as f:
            fields = f.read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / self.tick  # utime + stime

    def _sample(self):
        while not self.stop.is_set() and self.proc.poll() is None:
            try:
                self.samples.append((time.monotonic(), self.status("VmRSS"), self.cpu(), self.status("RssAnon")))
            except OSError:
                break
            self.stop.wait(1.0)

    def metrics(self):
        import urllib.request
        with urllib.request.urlopen(self.health + "/metrics", timeout=10) as r:
            return parse_prometheus_text(r.read().decode())

    def ready(self):
        import urllib.request
        try:
            with urllib.request.urlopen(self.health + "/readyz", timeout=2) as r:
                return r.status == 200
        except OSError:
            return False

    def terminate(self):
        self.stop.set()
        self.proc.send_signal(signal.SIGTERM)
        try:
            self.proc.wait(30)
        except subprocess.TimeoutExpired:
            self.proc.kill()


def client_counts(m):
    """{'read': n, 'write': n, ...} from the controller's pennant_kube_requests_total."""
    out = {}
    for (name, labels), value in m.items():
        if name == "pennant_kube_requests_total":
            out[dict(labels)["type"]] = value
    return out


def route_write_histogram(m):
    """[(le, cumulative count)] of pennant_route_write_seconds."""
    buckets = []
    for (name, labels), value in m.items():
        if name == "pennant_route_write_seconds_bucket":
            le = dict(labels)["le"]
            buckets.append((float("inf") if le == "+Inf" else float(le), value))
    return sorted(buckets)


def quantile_from_buckets(buckets, q):
    total = buckets[-1][1] if buckets else 0
    if total == 0:
        return None
    prev_le, prev_count = 0.0, 0.0
    for le, count in buckets:
        if count >= q * total:
            if le == float("inf"):
                return prev_le
            frac = (q * total - prev_count) / max(count - prev_count, 1e-9)
            return prev_le + (le - prev_le) * frac
        prev_le, prev_count = le, count
    return prev_le


def apiserver_counts(kube):
    """{(verb, resource/subresource): count} from apiserver_request_total, watches excluded."""
    out = {}
    for (name, labels), value in parse_prometheus_text(kube.request("GET", "/metrics", raw=True)).items():
        if name != "apiserver_request_total":
            continue
        l = dict(labels)
        if l.get("verb") in ("WATCH", "CONNECT"):
            continue
        res = l.get("resource", "") + ("/" + l["subresource"] if l.get("subresource") else "")
        key = (l.get("verb"), res)
        out[key] = out.get(key, 0) + value
    return out


def diff(after, before):
    return {k: v - before.get(k, 0) for k, v in after.items() if v - before.get(k, 0) > 0}


class Window:
    """Counters over one measured interval of time."""

    def __init__(self, kube, ctl):
        self.kube, self.ctl = kube, ctl
        self.t0 = time.monotonic()
        self.cpu0 = ctl.cpu()
        self.client0 = client_counts(ctl.metrics())
        self.api0 = apiserver_counts(kube)

    def close(self):
        seconds = time.monotonic() - self.t0
        api = diff(apiserver_counts(self.kube), self.api0)
        client = diff(client_counts(self.ctl.metrics()), self.client0)
        cpu = self.ctl.cpu() - self.cpu0
        rss = [s[1] for s in self.ctl.samples if s[0] >= self.t0]
        anon = [s[3] for s in self.ctl.samples if s[0] >= self.t0]
        return {"seconds": seconds, "cpu_seconds": cpu, "cpu_seconds_per_minute": cpu * 60 / seconds,
                "rss_kb_median": statistics.median(rss) if rss else None,
                "rss_anon_kb_median": statistics.median(anon) if anon else None,
                "client": client,
                "apiserver": {f"{v} {r}": c for (v, r), c in sorted(api.items())}}


def wait_for(what, predicate, timeout):
    deadline = time.monotonic() + timeout
    last = -1
    while time.monotonic() < deadline:
        value = predicate()
        if value is True:
            return True
        if value != last:
            log(f"  waiting for {what}: {value}")
            last = value
        time.sleep(2)
    log(f"  TIMEOUT waiting for {what}")
    return False


def settle(kube, n, timeout=240):
    """Waits until the control plane is quiet (the deployment controller and KWOK finished the
    promotions' rollouts: few Deployment/ReplicaSet/Pod writes in 10 s), so the idle window
    measures idle Canaries and not the tail of their last rollout."""
    busy = ("deployments", "deployments/status", "replicasets", "replicasets/status", "pods", "pods/status", "events")
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        before = apiserver_counts(kube)
        time.sleep(10)
        writes = sum(c for (verb, res), c in diff(apiserver_counts(kube), before).items()
                     if res in busy and verb not in ("GET", "LIST"))
        log(f"  settling: {int(writes)} workload writes in 10s")
        if writes <= max(5, n // 200):
            return
    log("  still busy after settling; measuring anyway")


def object_census(kube):
    """{resource: (count, JSON bytes)} of what the controller caches."""
    out = {}
    for path, name in WATCHED:
        count, size, cont = 0, 0, ""
        while True:
            page = kube.request("GET", f"{path}?limit=500" + (f"&continue={cont}" if cont else ""), raw=True)
            doc = json.loads(page)
            for item in doc.get("items", []):
                count += 1
                size += len(json.dumps(item, separators=(",", ":")))
            cont = doc.get("metadata", {}).get("continue", "")
            if not cont:
                break
        out[name] = {"count": count, "json_bytes": size}
    return out


def patch_template(kube, ns, name, rev):
    kube.merge_patch(f"/apis/apps/v1/namespaces/{ns}/deployments/{name}",
                     {"spec": {"template": {"metadata": {"annotations": {"bench/rev": str(rev)}}}}})


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--cluster", required=True)
    ap.add_argument("--pennant", required=True)
    ap.add_argument("--prometheus", required=True)
    ap.add_argument("--n", type=int, required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--idle-window", type=int, default=60)
    ap.add_argument("--mixed-window", type=int, default=90)
    ap.add_argument("--reactions", type=int, default=40)
    ap.add_argument("--label", default="")
    args = ap.parse_args()

    env = read_env(os.path.join(args.cluster, "cluster.env"))
    kube = Kube(env["APISERVER"], env["ADMIN_TOKEN"], env["CA_FILE"])
    items = names(args.n)
    keys = [f"{ns}/{name}" for ns, name, _ in items]
    idle_keys = [f"{ns}/{name}" for ns, name, idle in items if idle]
    prog_keys = [f"{ns}/{name}" for ns, name, idle in items if not idle]
    result = {"n": args.n, "label": args.label, "load_average_start": os.getloadavg(),
              "idle": len(idle_keys), "progressing": len(prog_keys)}

    kube.create("/api/v1/namespaces", {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "pennant-bench"}})
    kube.create("/apis/flagger.app/v1beta1/namespaces/pennant-bench/metrictemplates", {
        "apiVersion": "flagger.app/v1beta1", "kind": "MetricTemplate",
        "metadata": {"name": "ok-rate", "namespace": "pennant-bench"},
        "spec": {"provider": {"type": "prometheus", "address": args.prometheus},
                 "query": 'sum(up{job="pennant-test"}) * 0 + 100'}})

    health_port = free_port()
    log_path = os.path.join(os.path.dirname(os.path.abspath(args.out)), f"controller-{args.n}{args.label}.log")
    ctl = Process([args.pennant, "controller", "--kubeconfig", env["KUBECONFIG"], "--metrics-server", args.prometheus,
                   "--health-addr", f"127.0.0.1:{health_port}", "--log-format", "text"], log_path, health_port)
    if not wait_for("controller ready", lambda: ctl.ready() or "not yet", 120):
        sys.exit(1)
    result["rss_kb_empty"] = ctl.status("VmRSS")
    result["rss_anon_kb_empty"] = ctl.status("RssAnon")

    tracker = Tracker()
    stop = threading.Event()
    threading.Thread(target=kube.watch, args=("/apis/flagger.app/v1beta1/canaries", tracker.on_canary, stop),
                     daemon=True).start()
    threading.Thread(target=kube.watch, args=("/apis/apps/v1/deployments", tracker.on_deployment, stop),
                     daemon=True).start()

    log(f"creating {args.n} Deployments and Canaries")
    t_create = time.monotonic()
    for ns in sorted({ns for ns, _, _ in items}):
        kube.create("/api/v1/namespaces", {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": ns}})

    def create_one(item):
        ns, name, idle = item
        kube.create(f"/apis/apps/v1/namespaces/{ns}/deployments", deployment(ns, name))
        kube.create(f"/apis/flagger.app/v1beta1/namespaces/{ns}/canaries", canary(ns, name, idle))

    with futures.ThreadPoolExecutor(8) as pool:
        list(pool.map(create_one, items))
    log(f"  created in {time.monotonic() - t_create:.1f}s")
    scale_timeout = 120 + args.n * 0.5
    ok = wait_for("all Initialized", lambda: (lambda c: c == args.n or c)(tracker.count(keys, ("Initialized",))),
                  scale_timeout)
    result["seconds_to_initialize_all"] = time.monotonic() - t_create
    result["initialized_all"] = ok

    log("promoting the idle half once (so it rests in Succeeded)")
    with futures.ThreadPoolExecutor(8) as pool:
        list(pool.map(lambda k: patch_template(kube, *k.split("/"), 1), idle_keys))
    wait_for("idle half Succeeded",
             lambda: (lambda c: c == len(idle_keys) or c)(tracker.count(idle_keys, ("Succeeded",))), scale_timeout)
    # Every Canary at the same interval from here on, so per-interval figures compare directly.
    with futures.ThreadPoolExecutor(8) as pool:
        list(pool.map(lambda k: kube.merge_patch(
            "/apis/flagger.app/v1beta1/namespaces/{}/canaries/{}".format(*k.split("/")),
            {"spec": {"analysis": {"interval": f"{PROGRESSING_INTERVAL}s"}}}), idle_keys))
    time.sleep(IDLE_INTERVAL + 5)  # let the last promotions' follow-up reconciles settle
    settle(kube, args.n)

    log(f"idle window ({args.idle_window}s): {len(idle_keys)} Succeeded + {len(prog_keys)} Initialized")
    w = Window(kube, ctl)
    time.sleep(args.idle_window)
    result["idle_window"] = w.close()
    log(f"  {result['idle_window']}")

    log("starting the progressing half")
    with futures.ThreadPoolExecutor(8) as pool:
        list(pool.map(lambda k: patch_template(kube, *k.split("/"), 1), prog_keys))
    wait_for("progressing half Progressing",
             lambda: (lambda c: c == len(prog_keys) or c)(tracker.count(prog_keys, ("Progressing",))), scale_timeout)
    time.sleep(PROGRESSING_INTERVAL)  # every progressing canary has taken its first step
    route0 = route_write_histogram(ctl.metrics())
    log(f"mixed window ({args.mixed_window}s)")
    w = Window(kube, ctl)
    time.sleep(args.mixed_window)
    result["mixed_window"] = w.close()
    log(f"  {result['mixed_window']}")
    route1 = route_write_histogram(ctl.metrics())
    delta = [(le, c - dict(route0).get(le, 0)) for le, c in route1]
    result["route_write"] = {"count": delta[-1][1] if delta else 0,
                             "p50_seconds": quantile_from_buckets(delta, 0.5),
                             "p99_seconds": quantile_from_buckets(delta, 0.99), "buckets": delta}

    log(f"reaction times on {args.reactions} idle canaries")
    reactions = []
    for key in idle_keys[: args.reactions]:
        ns, name = key.split("/")
        t0 = time.monotonic()
        patch_template(kube, ns, name, 2)
        deadline = t0 + 30
        while time.monotonic() < deadline:
            with tracker.mu:
                phase, since_p = tracker.phase.get(key, ("", 0))
                replicas, since_r = tracker.replicas.get(key, (0, 0))
            if phase == "Progressing" and since_p >= t0 and replicas and replicas > 0 and since_r >= t0:
                reactions.append(max(since_p, since_r) - t0)
                break
            time.sleep(0.005)
        else:
            log(f"  {key}: no reaction within 30s")
        time.sleep(0.3)
    reactions.sort()
    result["reaction"] = {"samples": len(reactions), "missed": args.reactions - len(reactions),
                          "median_seconds": statistics.median(reactions) if reactions else None,
                          "p99_seconds": reactions[min(len(reactions) - 1, int(0.99 * len(reactions)))]
                          if reactions else None, "all": reactions}
    log(f"  {result['reaction']['median_seconds']} / {result['reaction']['p99_seconds']}")

    result["census"] = object_census(kube)
    result["rss_kb_peak"] = ctl.status("VmHWM")
    result["rss_kb_end"] = ctl.status("VmRSS")
    result["load_average_end"] = os.getloadavg()
    result["rss_samples"] = [(round(t - ctl.samples[0][0], 1), rss, round(cpu, 2), anon)
                             for t, rss, cpu, anon in ctl.samples]
    stop.set()
    ctl.terminate()
    with open(args.out, "w") as f:
        json.dump(result, f, indent=1)
    log(f"wrote {args.out}")


if __name__ == "__main__":
    main()
