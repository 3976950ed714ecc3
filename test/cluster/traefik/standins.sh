#!/usr/bin/env bash
# Makes the two generated stand-in modules Traefik v3.7.13 builds against, from the Go module
# cache, under test/cluster/traefik/.standins/ (git-ignored):
#  - github.com/abbot/go-http-auth: upstream v0.4.0 plus traefik_additions.go (Pennant's own code
#    for the two functions Traefik's refused fork adds);
#  - github.com/go-acme/lego/v5: v5.4.1 with only the `exec` and `manual` ACME DNS-01 providers.
#    13 of the other ~215 pull SDKs the module proxy refuses (HTTP 403), and the rest pull the SDKs
#    of every DNS vendor (AWS, Azure, Google Cloud, ...), which made most of Traefik's build time.
#    The tests never use ACME.
# The ext stand-in (./ext) is Pennant's own code and is committed. Idempotent.
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
OUT="$HERE/.standins"
LEGO_VERSION=v5.4.1
STAMP="$OUT/done-$LEGO_VERSION-exec-manual"
[[ -f $STAMP ]] && exit 0
rm -rf "$OUT" && mkdir -p "$OUT"
dl() { (cd "$OUT" && GOFLAGS=-mod=mod go mod download -json "$1" | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",$/\1/p'); }

auth=$(dl github.com/abbot/go-http-auth@v0.4.0)
cp -r "$auth" "$OUT/go-http-auth" && chmod -R u+w "$OUT/go-http-auth"
rm -rf "$OUT/go-http-auth/examples" "$OUT"/go-http-auth/*_test.go
printf 'module github.com/abbot/go-http-auth\n\ngo 1.20\n' \
  >"$OUT/go-http-auth/go.mod"
cp "$HERE/go-http-auth/traefik_additions.go" "$OUT/go-http-auth/"

lego=$(dl "github.com/go-acme/lego/v5@$LEGO_VERSION")
cp -r "$lego" "$OUT/lego" && chmod -R u+w "$OUT/lego"
# The provider list, written anew (Pennant's own code): lego's generated one imports every provider.
cat >"$OUT/lego/providers/dns/zz_gen_dns_providers.go" <<'GO'
// Package dns: the DNS-01 providers of the test bed's Traefik (Pennant's stand-in for lego's
// generated list, made by test/cluster/traefik/standins.sh): exec and manual only.
package dns

import (
	"fmt"

	"github.com/go-acme/lego/v5/challenge"
	"github.com/go-acme/lego/v5/providers/dns/exec"
	"github.com/go-acme/lego/v5/providers/dns/manual"
)

// NewDNSChallengeProviderByName Factory for DNS providers.
func NewDNSChallengeProviderByName(name string) (challenge.Provider, error) {
	switch name {
	case "exec":
		return exec.NewDNSProvider()
	case "manual":
		return manual.NewDNSProvider()
	default:
		return nil, fmt.Errorf("unrecognized DNS provider: %s (this Traefik is built with exec and manual only)", name)
	}
}
GO
rm -f "$OUT/lego/providers/dns/dns_providers_test.go"
touch "$STAMP"
