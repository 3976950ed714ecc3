//go:build tools

// Package testbed pins the Prometheus the data-plane tests run. Debian's Prometheus is built
// without Kubernetes service discovery, which the data plane uses to find the Pods; build.sh
// builds this one with only that discovery mechanism. Nothing here is Pennant code.
package testbed

import _ "github.com/prometheus/prometheus/cmd/prometheus"
