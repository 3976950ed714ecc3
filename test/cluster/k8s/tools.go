//go:build tools

// Package testbed pins the Kubernetes control-plane programs that Pennant's integration tests run.
// Nothing here is Pennant code: the binaries are built from these module versions by build.sh.
package testbed

import (
	_ "k8s.io/kubernetes/cmd/kube-apiserver"
	_ "k8s.io/kubernetes/cmd/kube-controller-manager"
	_ "k8s.io/kubernetes/cmd/kube-scheduler"
	_ "k8s.io/kubernetes/cmd/kubectl"
)
