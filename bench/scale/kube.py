"""Minimal Kubernetes REST client for the scale benchmark (Python standard library only, so the
benchmark needs no pip packages): bearer token + CA from the testbed's cluster.env, keep-alive
connections per thread, JSON in and out, and watch streams."""
import http.client
import json
import ssl
import threading
import time
import urllib.parse


def read_env(path):
    env = {}
    with open(path) as f:
        for line in f:
            line = line.strip()
            if "=" in line and not line.startswith("#"):
                key, value = line.split("=", 1)
                env[key] = value.strip("'\"")
    return env


class ApiError(Exception):
    def __init__(self, status, body):
        super().__init__(f"HTTP {status}: {body[:300]}")
        self.status = status


class Kube:
    def __init__(self, server, token, ca_file):
        url = urllib.parse.urlparse(server)
        self.host, self.port = url.hostname, url.port or 443
        self.token = token
        self.ctx = ssl.create_default_context(cafile=ca_file)
        self.local = threading.local()

    def _conn(self, timeout=60):
        conn = getattr(self.local, "conn", None)
        if conn is None:
            conn = http.client.HTTPSConnection(self.host, self.port, context=self.ctx, timeout=timeout)
            self.local.conn = conn
        return conn

    def request(self, method, path, body=None, content_type="application/json", raw=False):
        headers = {"Authorization": "Bearer " + self.token, "Accept": "application/json",
                   "User-Agent": "pennant-scale-bench"}
        data = None
        if body is not None:
            data = body if isinstance(body, (bytes, str)) else json.dumps(body)
            headers["Content-Type"] = content_type
        for attempt in range(5):
            try:
                conn = self._conn()
                conn.request(method, path, body=data, headers=headers)
                resp = conn.getresponse()
                payload = resp.read()
            except (http.client.HTTPException, OSError):
                self.local.conn = None
                time.sleep(0.2 * (attempt + 1))
                continue
            if resp.status == 429 or resp.status >= 500:
                time.sleep(0.5 * (attempt + 1))
                continue
            if resp.status >= 300:
                raise ApiError(resp.status, payload.decode(errors="replace"))
            return payload.decode() if raw else json.loads(payload or b"{}")
        raise ApiError(0, f"{method} {path}: gave up after retries")

    def create(self, path, obj, exist_ok=True):
        try:
            return self.request("POST", path, obj)
        except ApiError as e:
            if e.status == 409 and exist_ok:
                return None
            raise

    def merge_patch(self, path, patch):
        return self.request("PATCH", path, patch, "application/merge-patch+json")

    def watch(self, path, on_event, stop):
        """Follows `path` (a collection) from now on, calling on_event(type, object, arrival_time)
        until stop is set; re-lists nothing (the benchmark only needs changes)."""
        rv = self.request("GET", path + ("&" if "?" in path else "?") + "limit=1")["metadata"]["resourceVersion"]
        while not stop.is_set():
            conn = http.client.HTTPSConnection(self.host, self.port, context=self.ctx, timeout=5)
            sep = "&" if "?" in path else "?"
            try:
                conn.request("GET", f"{path}{sep}watch=1&allowWatchBookmarks=true&resourceVersion={rv}",
                             headers={"Authorization": "Bearer " + self.token,
                                      "User-Agent": "pennant-scale-bench"})
                resp = conn.getresponse()
                buf = b""
                while not stop.is_set():
                    try:
                        chunk = resp.read1(65536)
                    except TimeoutError:
                        continue
                    if not chunk:
                        break
                    now = time.monotonic()
                    buf += chunk
                    while b"\n" in buf:
                        line, buf = buf.split(b"\n", 1)
                        if not line.strip():
                            continue
                        event = json.loads(line)
                        obj = event.get("object", {})
                        if event.get("type") == "ERROR":
                            rv = None
                            break
                        rv = obj.get("metadata", {}).get("resourceVersion", rv)
                        if event.get("type") != "BOOKMARK":
                            on_event(event["type"], obj, now)
                    if rv is None:
                        break
            except (http.client.HTTPException, OSError):
                time.sleep(0.2)
            finally:
                conn.close()
            if rv is None:  # expired: start again from now
                rv = self.request("GET", path + sep + "limit=1")["metadata"]["resourceVersion"]


def parse_prometheus_text(text):
    """{(name, frozenset(labels)): value} for every sample of a text exposition."""
    out = {}
    for line in text.splitlines():
        if not line or line.startswith("#"):
            continue
        try:
            head, value = line.rsplit(" ", 1)
            value = float(value)
        except ValueError:
            continue
        if "{" in head:
            name, rest = head.split("{", 1)
            labels = []
            for part in _split_labels(rest.rstrip("}")):
                k, v = part.split("=", 1)
                labels.append((k, v.strip('"')))
            out[(name, frozenset(labels))] = value
        else:
            out[(head, frozenset())] = value
    return out


def _split_labels(s):
    parts, cur, quoted = [], "", False
    for ch in s:
        if ch == '"':
            quoted = not quoted
        if ch == "," and not quoted:
            parts.append(cur)
            cur = ""
        else:
            cur += ch
    if cur:
        parts.append(cur)
    return parts
