#!/usr/bin/env bash
# Installs the daemons of the local test world (see test/world/README.md).
# Idempotent and quick when everything is present; runs with no stdin, as root.
set -euo pipefail

PACKAGES=(bind9 bind9-utils bind9-dnsutils dnsdist postfix postgrey dante-server curl openssl)

missing=()
for pkg in "${PACKAGES[@]}"; do
  status=$(dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null || true)
  [[ "$status" == "install ok installed" ]] || missing+=("$pkg")
done

if ((${#missing[@]} > 0)); then
  echo "world/install: installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  # Postfix would otherwise ask which kind of mail system this is; we run private instances only.
  echo 'postfix postfix/main_mailer_type select No configuration' | debconf-set-selections
  echo 'postfix postfix/mailname string world.test' | debconf-set-selections
  # The daemons run only as start.sh configures them; never let the packages start the system
  # copies (on a machine without the usual policy-rc.d they would take our ports).
  policy=/usr/sbin/policy-rc.d
  if [[ ! -e $policy ]]; then
    printf '#!/bin/sh\nexit 101\n' >"$policy"
    chmod +x "$policy"
    trap 'rm -f "$policy"' EXIT
  fi
  apt-get update -qq </dev/null
  apt-get install -y -qq --no-install-recommends \
    -o Dpkg::Options::=--force-confdef -o Dpkg::Options::=--force-confold \
    "${missing[@]}" </dev/null
fi

# Dante's username method checks system passwords (PAM-less, via getpwnam/crypt).
if ! id bz >/dev/null 2>&1; then
  useradd --system --no-create-home --shell /usr/sbin/nologin bz
fi
if ! grep -q '^bz:\$' /etc/shadow; then
  echo 'bz:bz-secret' | chpasswd
fi

echo "world/install: ok"
