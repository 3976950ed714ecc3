//go:build tools

// Package testbed pins the Gateway API implementation the data-plane tests run: Traefik, built by
// build.sh from this module. Nothing here is Pennant code.
package testbed

import _ "github.com/traefik/traefik/v3/cmd/traefik"
