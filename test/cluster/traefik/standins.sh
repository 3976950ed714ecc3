#!/usr/bin/env bash
# Makes the two generated stand-in modules Traefik v3.7.13 builds against, from the Go module
# cache, under test/cluster/traefik/.standins/ (git-ignored):
#  - github.com/abbot/go-http-auth: upstream v0.4.0 plus traefik_additions.go (Pennant's own code
#    for the two functions Traefik's refused fork adds);
#  - github.com/go-acme/lego/v5: v5.4.1 without the 13 ACME DNS-01 providers whose SDKs the module
#    proxy refuses (HTTP 403). Only ACME DNS-01 with those clouds is lost; the tests never use ACME.
# The ext stand-in (./ext) is Pennant's own code and is committed. Idempotent.
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
OUT="$HERE/.standins"
LEGO_VERSION=v5.4.1
REFUSED=(alidns aliesa azion dnsimple edgedns edgeone huaweicloud oraclecloud regfish sakuracloud
  tencentcloud ucloud yandexcloud)
[[ -f $OUT/done-$LEGO_VERSION ]] && exit 0
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
gen="$OUT/lego/providers/dns/zz_gen_dns_providers.go"
for p in "${REFUSED[@]}"; do
  rm -rf "$OUT/lego/providers/dns/$p"
  # the import line, and the `case "name"[, "alias"]:` arm whose next line returns p's provider
  sed -i "\#^\t\"github.com/go-acme/lego/v5/providers/dns/$p\"\$#d" "$gen"
  sed -i "/^\tcase .*:\$/{N;/\n\t\treturn $p\.NewDNSProvider()\$/d}" "$gen"
done
rm -f "$OUT/lego/providers/dns/dns_providers_test.go"
if grep -qE "providers/dns/($(IFS='|'; echo "${REFUSED[*]}"))\"" "$gen"; then
  echo "standins: lego provider list still names a refused provider" >&2; exit 1
fi
touch "$OUT/done-$LEGO_VERSION"
