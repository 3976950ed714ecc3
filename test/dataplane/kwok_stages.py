"""Writes the data plane's KWOK stages: the test bed's, except that Pods labelled
pennant.dev/pod-runner become Running with an address but not Ready. The pod runner marks them
Ready once their greeter is listening, as a kubelet does after a readiness probe, so a gateway
never routes to a Pod whose server has not started yet.
   kwok_stages.py IN OUT"""
import copy
import sys

import yaml

LABEL = '.metadata.labels["pennant.dev/pod-runner"]'

docs = [d for d in yaml.safe_load_all(open(sys.argv[1])) if d]
out = []
for doc in docs:
    out.append(doc)
    if doc["metadata"]["name"] != "pod-ready":
        continue
    unready = copy.deepcopy(doc)
    doc["spec"]["selector"]["matchExpressions"].append({"key": LABEL, "operator": "DoesNotExist"})
    unready["metadata"]["name"] = "pod-running-unready"
    unready["spec"]["selector"]["matchExpressions"].append({"key": LABEL, "operator": "Exists"})
    # The same status, with the Pod and its containers not ready yet (and no readiness gates).
    template = unready["spec"]["next"]["statusTemplate"]
    template = template.replace('status: "True"\n  type: Ready', 'status: "False"\n  type: Ready')
    template = template.replace('status: "True"\n  type: ContainersReady', 'status: "False"\n  type: ContainersReady')
    template = template.replace("  ready: true\n  restartCount: 0\n  state:\n    running:",
                                "  ready: false\n  restartCount: 0\n  state:\n    running:", 1)
    assert template.count('status: "False"') == 2, "pod-ready's template changed shape"
    unready["spec"]["next"]["statusTemplate"] = template
    out.append(unready)
with open(sys.argv[2], "w") as f:
    yaml.safe_dump_all(out, f, sort_keys=False)
