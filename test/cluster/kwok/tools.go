//go:build tools

// Package testbed pins KWOK (fake kubelets) for Pennant's test control plane.
package testbed

import _ "sigs.k8s.io/kwok/cmd/kwok"
