# Shared helpers for the project's scripts. Sourced, not run.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export CARGO_HOME="${CARGO_HOME:-$HOME/.cargo}"
export PATH="$CARGO_HOME/bin:$HOME/.cargo/bin:$PATH"

CARGO_LEPTOS_VERSION="0.3.11"

step() { printf '\n\033[1m==> %s\033[0m\n' "$*"; }
skip() { printf '    skip: %s\n' "$*"; }
fail() { printf '\n\033[31mERROR: %s\033[0m\n' "$*" >&2; exit 1; }

is_root() { [ "$(id -u)" = 0 ]; }

# Installs Debian packages that are missing (root only); `apt-get update` once per run.
APT_UPDATED=0
apt_install() {
  local missing=()
  for pkg in "$@"; do
    dpkg -s "$pkg" >/dev/null 2>&1 || missing+=("$pkg")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  is_root || fail "missing Debian packages: ${missing[*]} (run as root or install them: apt-get install ${missing[*]})"
  if [ "$APT_UPDATED" = 0 ]; then
    apt-get update -qq || fail "apt-get update failed"
    APT_UPDATED=1
  fi
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null || fail "apt-get install ${missing[*]} failed"
}

# The wasm-bindgen version Cargo.lock resolved; the CLI must match it exactly.
locked_wasm_bindgen_version() {
  awk '/^name = "wasm-bindgen"$/ { getline; gsub(/version = |"/, ""); print; exit }' "$ROOT/Cargo.lock"
}

# The release pipeline (scripts/build): the same one for scripts/run, scripts/test and CI.
release_build() {
  step "Release build (scripts/build)"
  "$ROOT/scripts/build" || fail "scripts/build failed"
}

# Starts the release server on a scratch SQLite database with demo data, on `port`, for the
# measuring scripts; stops it and removes the database when the calling script exits.
# Sets SCRATCH_URL.
serve_scratch() { # port
  local port="$1" scratch
  [ -x "$ROOT/target/release/donor-booking" ] && [ -f "$ROOT/target/site/pkg/output-name" ] \
    || fail "no release build: run scripts/build"
  scratch="$(mktemp -d)"
  export DATABASE_URL="sqlite://$scratch/scratch.db" MAIL_DIR="$scratch/mail" LEPTOS_SITE_ADDR="127.0.0.1:$port" LOG_LEVEL=warn
  (cd "$ROOT" && target/release/donor-booking demo-data --days 14 >/dev/null)
  (cd "$ROOT" && exec target/release/donor-booking serve >"$scratch/serve.log" 2>&1) &
  SCRATCH_PID=$!
  trap 'kill "$SCRATCH_PID" 2>/dev/null; rm -rf "'"$scratch"'"' EXIT
  SCRATCH_URL="http://127.0.0.1:$port"
  for _ in $(seq 1 100); do
    curl -fsS "$SCRATCH_URL/healthz" >/dev/null 2>&1 && return 0
    sleep 0.2
  done
  cat "$scratch/serve.log"
  fail "the server did not start"
}
