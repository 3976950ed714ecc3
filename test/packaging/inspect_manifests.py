#!/usr/bin/env python3
"""Checks rendered Pennant manifests, as JSON (`kubectl apply --dry-run=server -o json`) on stdin.

  inspect_manifests.py --replicas N [--watch-namespace NS] > args.txt

Asserts the Deployment's shape (replicas, leader election, probes on the --health-addr port,
resources, non-root, read-only root filesystem, no privilege escalation, all capabilities dropped,
seccomp RuntimeDefault) and the RBAC scope (ClusterRole for all namespaces, Role in NS otherwise),
then prints the controller container's args, one per line, for the flag check.
"""
import argparse
import json
import sys


def items(doc):
    if doc.get("kind", "").endswith("List"):
        for item in doc["items"]:
            yield from items(item)
    else:
        yield doc


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--replicas", type=int, required=True)
    parser.add_argument("--watch-namespace", default="")
    opts = parser.parse_args()
    text = sys.stdin.read()
    decoder, objects, pos = json.JSONDecoder(), [], 0
    while pos < len(text):  # kubectl prints one JSON document per input document when not a List
        while pos < len(text) and text[pos].isspace():
            pos += 1
        if pos == len(text):
            break
        doc, pos = decoder.raw_decode(text, pos)
        objects.extend(items(doc))
    errors = []

    def expect(cond, what):
        if not cond:
            errors.append(what)

    kinds = [o["kind"] for o in objects]
    deployments = [o for o in objects if o["kind"] == "Deployment"]
    expect(len(deployments) == 1, f"one Deployment expected, kinds: {kinds}")
    if not deployments:
        print("\n".join(errors), file=sys.stderr)
        return 1
    d = deployments[0]
    spec = d["spec"]["template"]["spec"]
    c = spec["containers"][0]
    args = c.get("args", [])
    expect(d["spec"]["replicas"] == opts.replicas, f"replicas {d['spec']['replicas']} != {opts.replicas}")
    expect("--leader-elect" in args, "--leader-elect missing")
    health = [a.split("=", 1)[1] for a in args if a.startswith("--health-addr=")]
    expect(len(health) == 1, "one --health-addr=HOST:PORT expected")
    port = int(health[0].rsplit(":", 1)[1]) if health else -1
    ports = {p.get("name"): p["containerPort"] for p in c.get("ports", [])}
    for probe, path in (("livenessProbe", "/healthz"), ("readinessProbe", "/readyz")):
        get = c.get(probe, {}).get("httpGet", {})
        expect(get.get("path") == path, f"{probe} path {get.get('path')} != {path}")
        expect(ports.get(get.get("port"), get.get("port")) == port, f"{probe} port is not the --health-addr port {port}")
    res = c.get("resources", {})
    expect(res.get("requests") and res.get("limits"), "resource requests and limits expected")
    pod_sc, sc = spec.get("securityContext", {}), c.get("securityContext", {})
    expect(pod_sc.get("runAsNonRoot") or sc.get("runAsNonRoot"), "runAsNonRoot expected")
    expect(isinstance(pod_sc.get("runAsUser"), int) and pod_sc["runAsUser"] > 0, "numeric non-root runAsUser expected")
    expect(sc.get("readOnlyRootFilesystem") is True, "readOnlyRootFilesystem expected")
    expect(sc.get("allowPrivilegeEscalation") is False, "allowPrivilegeEscalation: false expected")
    expect(sc.get("capabilities", {}).get("drop") == ["ALL"], "capabilities.drop [ALL] expected")
    seccomp = sc.get("seccompProfile") or pod_sc.get("seccompProfile") or {}
    expect(seccomp.get("type") == "RuntimeDefault", "seccompProfile RuntimeDefault expected")
    sa = spec.get("serviceAccountName")
    expect(any(o["kind"] == "ServiceAccount" and o["metadata"]["name"] == sa for o in objects),
           f"ServiceAccount {sa} not rendered")

    if opts.watch_namespace:
        expect(f"--namespace={opts.watch_namespace}" in args, f"--namespace={opts.watch_namespace} missing")
        expect("ClusterRole" not in kinds and "ClusterRoleBinding" not in kinds, "no cluster-wide RBAC expected")
        roles = [o for o in objects if o["kind"] == "Role" and o["metadata"]["namespace"] == opts.watch_namespace]
        expect(len(roles) == 1, f"one Role in {opts.watch_namespace} expected")
    else:
        expect(not any(a.startswith("--namespace") for a in args), "--namespace must be absent for cluster scope")
        expect("ClusterRole" in kinds and "ClusterRoleBinding" in kinds, "ClusterRole and binding expected")
        expect("Role" not in kinds, "no Role expected for cluster scope")
    if errors:
        print("\n".join("ERROR: " + e for e in errors), file=sys.stderr)
        return 1
    print("\n".join(args))
    print(f"checked {len(objects)} objects: {sorted(set(kinds))}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
