#!/usr/bin/env bash
# Quick self-check that the running world behaves as test/world/world.ts says: DNS through
# BIND, DoH GET and POST through dnsdist, SOCKS5 auth, then every SMTP expectation.
set -uo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

failures=0
check() { # check WHAT ACTUAL EXPECTED-REGEX
  if [[ $2 =~ $3 ]]; then echo "ok   $1: $2"; else echo "FAIL $1: got '$2', want /$3/"; failures=$((failures + 1)); fi
}
d() { dig +time=2 +tries=1 -p 5353 @127.0.0.1 "$@"; }
status() { d "$@" | sed -n 's/.*status: \([A-Z]*\),.*/\1/p'; }

check "world.test MX" "$(d +short world.test MX)" '^10 mx1\.world\.test\.$'
check "implicit.test MX (none)" "$(d +short implicit.test MX)" '^$'
check "implicit.test A" "$(d +short implicit.test A)" '^127\.0\.0\.27$'
check "nxdomain.test" "$(status nxdomain.test MX)" '^NXDOMAIN$'
check "nodata.test MX" "$(status nodata.test MX) $(d +short nodata.test MX)" '^NOERROR $'
check "nodata.test negative TTL" "$(d +noall +authority nodata.test MX | awk '{print $2}')" '^30$'
check "nullmx.test MX" "$(d +short nullmx.test MX)" '^0 \.$'
check "shortttl.test TTL" "$(d +noall +answer shortttl.test MX | awk '{print $2}')" '^2$'
check "alias.test MX via CNAME" "$(d +short alias.test MX | tr '\n' ' ')" 'world\.test\. 10 mx1\.world\.test\.'
check "PTR 127.0.0.1" "$(d +short -x 127.0.0.1)" '^prober\.world\.test\.$'
check "DNSBL listed A" "$(d +short 1.0.0.127.listed.dnsbl.test A)" '^127\.0\.0\.2$'
check "DNSBL listed TXT" "$(d +short 1.0.0.127.listed.dnsbl.test TXT)" 'listed'
check "DNSBL clean" "$(status 1.0.0.127.clean.dnsbl.test A)" '^NXDOMAIN$'
check "bulk-999.test MX" "$(d +short bulk-999.test MX)" '^10 mx\.bulk\.test\.$'
check "recursion refused" "$(status example.com A)" '^REFUSED$'

doh_get=$(curl -s --http1.1 --max-time 3 -o /tmp/world-doh-get.$$ -w '%{http_code} %{content_type}' \
  "http://127.0.0.1:8053/dns-query?dns=$DOH_QUERY_WORLD_MX")
check "DoH GET (HTTP/1.1)" "$doh_get $(grep -ac mx1 /tmp/world-doh-get.$$)" '^200 application/dns-message 1$'
echo "$DOH_QUERY_WORLD_MX==" | tr '_-' '/+' | base64 -d 2>/dev/null >/tmp/world-doh-query.$$
doh_post=$(curl -s --http1.1 --max-time 3 -o /tmp/world-doh-post.$$ -w '%{http_code} %{content_type}' \
  -H 'content-type: application/dns-message' --data-binary @/tmp/world-doh-query.$$ http://127.0.0.1:8053/dns-query)
check "DoH POST (HTTP/1.1)" "$doh_post $(grep -ac mx1 /tmp/world-doh-post.$$)" '^200 application/dns-message 1$'
doh_h2c=$(curl -s --http2-prior-knowledge --max-time 3 -o /dev/null -w '%{http_version} %{http_code}' \
  "http://127.0.0.1:8053/dns-query?dns=$DOH_QUERY_WORLD_MX")
check "DoH GET (h2c)" "$doh_h2c" '^2 200$'
rm -f /tmp/world-doh-*.$$

tls=$(echo QUIT | timeout 5 openssl s_client -starttls smtp -connect 127.0.0.20:25 2>&1 | grep -o 'New, TLSv1\.[23]')
check "STARTTLS on 127.0.0.20 (self-signed)" "$tls" '^New, TLSv1\.[23]$'

socks_ok=$(curl -s --max-time 3 -o /dev/null -w '%{http_code}' --socks5 bz:bz-secret@127.0.0.1:1080 \
  "http://127.0.0.1:8053/dns-query?dns=$DOH_QUERY_WORLD_MX")
check "SOCKS5 bz:bz-secret -> 127.0.0.1:8053" "$socks_ok" '^200$'
curl -s --max-time 3 -o /dev/null --socks5 bz:wrong@127.0.0.1:1080 http://127.0.0.1:8053/dns-query
check "SOCKS5 wrong password (curl exit code)" "$?" '^97$'

(cd "$WORLD_DIR/../.." && npx tsx "$WORLD_DIR/check-smtp.ts" "$@") || failures=$((failures + 1))

if ((failures > 0)); then
  echo "world check: FAILED"
  exit 1
fi
echo "world check: all passed"
