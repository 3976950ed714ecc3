//go:build tools

// Package testbed pins Helm for Pennant's packaging tests (helm lint, helm template of
// charts/pennant); build.sh builds its cmd/helm. Nothing here is Pennant code.
package testbed

import _ "helm.sh/helm/v3/cmd/helm"
