//go:build tools

// Package testbed pins etcd for Pennant's test control plane; build.sh builds its root package.
package testbed

import _ "go.etcd.io/etcd/server/v3"
