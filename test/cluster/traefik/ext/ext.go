// Package ext stands in for Traefik's dynamic-configuration extension module, a nested module
// that is missing from the traefik/v3 module zip and not served by the module proxy. Traefik
// embeds these two types inline in its HTTP configuration; upstream they are empty as well, so
// the test bed's Traefik behaves as the released binary does.
package ext

// HTTP is inlined into dynamic.HTTPConfiguration.
type HTTP struct{}

// Router is inlined into dynamic.Router.
type Router struct{}
