#!/usr/bin/env bash
# AMORPH - LAMMPS plugin package, GPL-2.0
#
# One entry point for a fresh Debian machine (run as root, or with sudo available):
#
#   bash scripts/setup.sh demo     # install deps, get+build LAMMPS, build AMORPH, run examples/quickstart
#   bash scripts/setup.sh test     # same set-up, then the whole test suite (three LAMMPS versions)
#
# Further sub-commands (used by the two above, handy on their own):
#   deps                   install the Debian packages AMORPH needs
#   lammps  <suite>        fetch LAMMPS source of Debian <suite> (sid|trixie|bookworm) and build
#                          it (cached); bookworm's (29 Sep 2021) with KOKKOS, against Kokkos 3.4.01
#   kokkos                 build Kokkos 3.4.01 (OpenMP + Serial) from Debian 12's trilinos source
#                          (cached); prints its install prefix
#   plugin  <suite>        build amorphplugin.so + tests against that LAMMPS into build/<suite>
#   builtin <suite>        build LAMMPS with the AMORPH styles compiled in (cached build dir)
#   env     <suite>        print the shell exports that make `lmp`, `import lammps` and the plugin work
#   peers                  make the venv with the peer codes (OVITO, freud, pyscal3) of the
#                          `peers` tests and bench/bench_peers.py (cached); prints its python
#   sources [file...]      print the deb-src lines used for the LAMMPS source packages, taken from
#                          the system's apt sources (or the given files); runs no apt
#
# Everything downloaded or built outside this clone lives in $AMORPH_CACHE
# (default ~/.cache/amorph), keyed by LAMMPS version and build options, so reruns are fast
# and need no network.  The LAMMPS source comes from the Debian mirror configured for apt;
# without one, set AMORPH_LAMMPS_TARBALL to downloaded lammps_<version>.orig.tar.* files
# (':'-separated; trixie takes the 20250204 one, bookworm the 20220106 one, sid the newest).
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
CACHE="${AMORPH_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/amorph}"
JOBS="${AMORPH_JOBS:-$(nproc)}"
PY=/usr/bin/python3
mkdir -p "$CACHE"

log() { printf '\n=== [amorph setup %s] %s\n' "$(date +%T)" "$*"; }
die() { printf '\n*** [amorph setup] ERROR: %s\n' "$*" >&2; exit 1; }

# LAMMPS options of the host builds (the key of the build cache includes them).
# sid (newest): everything the styles, examples, benchmarks and tests use.
# trixie (compatibility, 4 Feb 2025): what build + load + smoke tests need.
# bookworm (oldest, 29 Sep 2021 Update 2 of Debian 12): the same plus KOKKOS (OpenMP and Serial,
# against the Kokkos 3.4.01 that its CMake requires), for the /kk styles.
lammps_options() {
  local omp=OFF
  [ "$1" = bookworm ] && omp=ON
  LAMMPS_OPTIONS=(-DBUILD_SHARED_LIBS=ON -DBUILD_MPI=ON -DBUILD_OMP=$omp -DLAMMPS_SIZES=smallbig
                  -DPKG_PLUGIN=ON -DPKG_MANYBODY=ON)
  if [ "$1" = sid ]; then
    LAMMPS_OPTIONS+=(-DPKG_EXTRA-COMPUTE=ON -DPKG_EXTRA-FIX=ON -DPKG_PYTHON=ON -DPKG_VORONOI=ON -DDOWNLOAD_VORO=OFF)
  fi
  if [ "$1" = bookworm ]; then
    [ -n "$KOKKOS_PREFIX" ] || cmd_kokkos
    # errors as C++ exceptions (the default of newer LAMMPS): the Python module raises them
    LAMMPS_OPTIONS+=(-DLAMMPS_EXCEPTIONS=ON
                     -DPKG_KOKKOS=ON -DEXTERNAL_KOKKOS=ON -DKokkos_DIR="$KOKKOS_PREFIX/lib/cmake/Kokkos")
  fi
  LAMMPS_OPTIONS+=(-DPython_EXECUTABLE=$PY -DCMAKE_BUILD_TYPE=Release -DCMAKE_CXX_COMPILER_LAUNCHER=ccache)
}
APT_PACKAGES=(
  build-essential cmake ccache pkg-config xz-utils dpkg-dev ca-certificates
  libopenmpi-dev openmpi-bin voro++-dev libnanoflann-dev libgtest-dev libgmock-dev
  python3-dev python3-numpy python3-scipy python3-sklearn python3-matplotlib python3-pytest
  python3-sympy python3-sphinx python3-setuptools python3-venv clang-format
)

as_root() { if [ "$(id -u)" = 0 ]; then "$@"; elif command -v sudo >/dev/null; then sudo "$@"; else die "need root (or sudo) for: $*"; fi; }

cmd_deps() {
  local missing=()
  for p in "${APT_PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  if [ ${#missing[@]} -eq 0 ]; then log "Debian packages: all present"; return; fi
  log "installing Debian packages: ${missing[*]}"
  as_root apt-get update -q
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${missing[@]}"
}

# --- LAMMPS source from Debian source packages, through a private apt configuration ---
# The mirror is the system's own: the first Debian archive among the entries of
# /etc/apt/sources.list, /etc/apt/sources.list.d/*.list (one-line format) and
# /etc/apt/sources.list.d/*.sources (deb822), of type deb or deb-src.  An entry counts as a
# Debian archive when one of its suites is a Debian release (codename or alias, optionally
# with -updates/-backports/-proposed-updates; not -security, whose archive has no sid).
# No mirror address is built in: without such an entry, set AMORPH_LAMMPS_TARBALL.
APT_DEFAULT_KEYRING=/usr/share/keyrings/debian-archive-keyring.gpg

# the apt source files read by default
apt_source_files() {
  local f
  for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list /etc/apt/sources.list.d/*.sources; do
    [ -f "$f" ] && printf '%s\n' "$f"
  done
  return 0
}

# Debian archive mirrors of the given apt source files (default: the system's), in the order
# apt reads them, one "URI KEYRING" per line (KEYRING "-" when the entry names none)
apt_mirrors() {
  local files=("$@") f names
  [ ${#files[@]} -gt 0 ] || mapfile -t files < <(apt_source_files)
  # Debian release names: distro-info's list when installed, plus the aliases
  names="sid unstable testing stable oldstable oldoldstable experimental buzz rex bo hamm slink"
  names+=" potato woody sarge etch lenny squeeze wheezy jessie stretch buster bullseye bookworm"
  names+=" trixie forky duke"
  [ -f /usr/share/distro-info/debian.csv ] && names+=" $(awk -F, 'NR > 1 {printf "%s ", $3}' /usr/share/distro-info/debian.csv)"
  for f in "${files[@]}"; do
    [ -f "$f" ] || continue
    case "$f" in
      *.sources) awk -v names="$names" '
          function debian(suites,   n, a, i, s) {
            n = split(suites, a, /[ \t]+/)
            for (i = 1; i <= n; i++) {
              s = a[i]; sub(/-(updates|backports|proposed-updates)$/, "", s)
              if (s in rel) return 1
            }
            return 0
          }
          function flush(   n, u, i) {
            if (types ~ /(^|[ \t])deb(-src)?([ \t]|$)/ && tolower(enabled) != "no" && debian(suites)) {
              n = split(uris, u, /[ \t]+/)
              for (i = 1; i <= n; i++) if (u[i] != "") { sub(/\/+$/, "", u[i]); print u[i], (key == "" ? "-" : key) }
            }
            types = uris = suites = key = enabled = ""; field = ""
          }
          BEGIN { n = split(names, a, / +/); for (i = 1; i <= n; i++) if (a[i] != "") rel[a[i]] = 1 }
          /^[ \t]*#/ { next }
          /^[ \t]*$/ { flush(); next }
          /^[ \t]/ { if (field == "uris") uris = uris " " $0; else if (field == "suites") suites = suites " " $0; next }
          {
            i = index($0, ":"); if (!i) next
            field = tolower(substr($0, 1, i - 1)); v = substr($0, i + 1)
            gsub(/^[ \t]+|[ \t]+$/, "", v)
            if (field == "types") types = v
            else if (field == "uris") uris = v
            else if (field == "suites") suites = v
            else if (field == "signed-by") { key = (v ~ /^\// ? v : "") }
            else if (field == "enabled") enabled = v
          }
          END { flush() }' "$f" ;;
      *) awk -v names="$names" '
          BEGIN { n = split(names, a, / +/); for (i = 1; i <= n; i++) if (a[i] != "") rel[a[i]] = 1 }
          {
            sub(/#.*/, "")
            if ($1 != "deb" && $1 != "deb-src") next
            line = $0; key = ""
            if (match(line, /\[[^]]*\]/)) {
              opts = substr(line, RSTART + 1, RLENGTH - 2)
              line = substr(line, 1, RSTART - 1) " " substr(line, RSTART + RLENGTH)
              n = split(opts, o, /[ \t]+/)
              for (i = 1; i <= n; i++) if (o[i] ~ /^signed-by=/) key = substr(o[i], 11)
            }
            n = split(line, w, /[ \t]+/); k = 0
            for (i = 1; i <= n; i++) if (w[i] != "") x[++k] = w[i]
            if (k < 3) next
            uri = x[2]; s = x[3]; sub(/-(updates|backports|proposed-updates)$/, "", s)
            if (!(s in rel)) next
            sub(/\/+$/, "", uri)
            print uri, (key == "" ? "-" : key)
          }' "$f" ;;
    esac
  done | awk '!seen[$1]++'
}

# the deb-src lines of the private apt configuration: sid, trixie and bookworm from the first Debian
# mirror of the given source files (default the system's); fails when there is none.  A
# mirror that apt's own index (/var/lib/apt/lists) shows to be Debian's ("Origin: Debian"),
# or that is signed with Debian's keyring, comes before others (e.g. a third-party archive
# that names a Debian release as its suite).
apt_src_lines() {
  local uri key rank best="" best_key="" best_rank=9 m
  while read -r uri key; do
    rank=2
    m=${uri#*://}; m=${m//\//_}
    if grep -qsx 'Origin: Debian' /var/lib/apt/lists/"${m}"_dists_*_InRelease /var/lib/apt/lists/"${m}"_dists_*_Release; then
      rank=0
    elif [ "$key" = "$APT_DEFAULT_KEYRING" ] || [[ "$key" == */debian-archive-keyring* ]]; then
      rank=1
    fi
    if [ $rank -lt $best_rank ]; then best="$uri"; best_key="$key"; best_rank=$rank; fi
  done < <(apt_mirrors "$@")
  [ -n "$best" ] || return 1
  # a keyring that is not a file (e.g. an inline key block) falls back to Debian's keyring
  key="$best_key"
  if [ "$key" = - ] || [ ! -f "$key" ]; then key="$APT_DEFAULT_KEYRING"; fi
  local opt=""
  [ -f "$key" ] && opt="[signed-by=$key] "
  echo "deb-src ${opt}$best sid main"
  echo "deb-src ${opt}$best trixie main"
  echo "deb-src ${opt}$best bookworm main"
}

# what to do when there is no mirror (and, for suite $1 unless it is "-", no cached source);
# the further arguments are the apt source files that were read (default the system's)
no_source_help() {
  local suite="$1" files; shift
  if [ $# -gt 0 ]; then files="$*"; else files=$(apt_source_files | tr '\n' ' '); files="${files% }"; fi
  echo "no Debian mirror found in the apt sources (${files:-none})"
  [ "$suite" = - ] || echo "and no LAMMPS source for Debian $suite in $CACHE."
  cat <<EOF
Either
  - configure a Debian mirror for apt, e.g. /etc/apt/sources.list.d/debian.sources with
      Types: deb
      URIs: <URI of a Debian mirror>
      Suites: <your Debian release>
      Components: main
      Signed-By: $APT_DEFAULT_KEYRING
    (setup.sh reads the source packages of sid, trixie and bookworm from that mirror), or
  - download the LAMMPS Debian source tarball yourself (lammps_<version>.orig.tar.xz or
    .gz, from the source package lammps of Debian ${suite/-/sid, trixie or bookworm}) and set
      AMORPH_LAMMPS_TARBALL=/path/to/lammps_<version>.orig.tar.xz
    (several separated by ':' for all suites: trixie takes the 20250204 one, bookworm the
    20220106 one, sid the newest; bookworm's KOKKOS build also needs Debian 12's
    trilinos_13.2.0.orig.tar.gz, given in AMORPH_TRILINOS_TARBALL)
EOF
}

# private apt configuration in $CACHE/apt (never the system's), APTO = its apt options;
# fails (writing nothing) when the system's sources name no Debian mirror
apt_private() {
  local d="$CACHE/apt" lines
  lines=$(apt_src_lines) || return 1
  mkdir -p "$d/lists/partial" "$d/cache/archives/partial"
  # new source lines (e.g. a suite added): the index is read again
  if [ "$(cat "$d/sources.list" 2>/dev/null)" != "$lines" ]; then
    printf '%s\n' "$lines" > "$d/sources.list"
    find "$d/lists" -maxdepth 1 -type f -name '*Sources*' -delete
  fi
  APTO=(-o "Dir::Etc::SourceList=$d/sources.list" -o Dir::Etc::SourceParts=/dev/null
        -o "Dir::State::Lists=$d/lists" -o "Dir::Cache=$d/cache" -o APT::Sandbox::User=root)
}

# AMORPH_LAMMPS_TARBALL (paths separated by ':'): the tarball for a suite (trixie: the
# 20250204 one; bookworm: the 20220106 one; sid: the newest), printed as "VERSION PATH"
tarball_for_suite() {
  local suite="$1" t b v list=() paths=()
  IFS=: read -ra paths <<< "$AMORPH_LAMMPS_TARBALL"
  for t in "${paths[@]}"; do
    [ -n "$t" ] || continue
    [ -f "$t" ] || die "AMORPH_LAMMPS_TARBALL: no such file '$t'"
    b=$(basename "$t")
    [[ "$b" =~ ^lammps_(.+)\.orig\.tar\.(gz|xz|bz2)$ ]] \
      || die "AMORPH_LAMMPS_TARBALL: '$t' is not a Debian LAMMPS source tarball (lammps_<version>.orig.tar.xz/.gz/.bz2)"
    v="${BASH_REMATCH[1]}"
    case "$suite" in
      trixie) [[ "$v" == 20250204* ]] || continue ;;
      bookworm) [[ "$v" == 20220106* ]] || continue ;;
    esac
    list+=("$v $(readlink -f "$t")")
  done
  [ ${#list[@]} -gt 0 ] || die "AMORPH_LAMMPS_TARBALL='$AMORPH_LAMMPS_TARBALL' has no tarball for Debian $suite" \
    "(trixie needs lammps_20250204*.orig.tar.*, bookworm lammps_20220106*.orig.tar.*)"
  printf '%s\n' "${list[@]}" | sort -V | tail -1
}

# prints the directory of the extracted LAMMPS source for a suite
lammps_source() {
  local suite="$1" ver="" srcroot tarball="" have_apt=0
  case "$suite" in sid|trixie|bookworm) ;; *) die "unknown suite '$suite' (use sid, trixie or bookworm)" ;; esac
  if [ -n "${AMORPH_LAMMPS_TARBALL:-}" ]; then
    # a tarball downloaded by hand: no apt at all
    read -r ver tarball < <(tarball_for_suite "$suite")
    [ -n "$ver" ] || exit 1
  else
    if apt_private; then
      have_apt=1
      # the source index is refreshed at most once a day (sid moves)
      if [ -z "$(find "$CACHE/apt/lists" -name '*Sources*' -mmin -1440 2>/dev/null | head -1)" ]; then
        apt-get "${APTO[@]}" update -q >&2 || true
      fi
      # pick the version of the requested suite
      case "$suite" in
        sid)    ver=$(apt-cache "${APTO[@]}" showsrc lammps 2>/dev/null | awk '/^Version:/{print $2}' | sort -V | tail -1) ;;
        trixie) ver=$(apt-cache "${APTO[@]}" showsrc lammps 2>/dev/null | awk '/^Version:/{print $2}' | grep '^20250204' | sort -V | tail -1) ;;
        bookworm) ver=$(apt-cache "${APTO[@]}" showsrc lammps 2>/dev/null | awk '/^Version:/{print $2}' | grep '^20220106' | sort -V | tail -1) ;;
      esac
    fi
    if [ -z "$ver" ]; then
      # offline rerun (or no mirror configured): fall back to what the cache already holds
      ver=$(cat "$CACHE/lammps-$suite.version" 2>/dev/null || true)
      if [ -z "$ver" ]; then
        [ $have_apt = 1 ] || die "$(no_source_help "$suite")"
        die "cannot find LAMMPS source package for Debian $suite (no network and no cache in $CACHE;" \
          "or set AMORPH_LAMMPS_TARBALL to a downloaded lammps_<version>.orig.tar.* of Debian $suite)"
      fi
    fi
  fi
  echo "$ver" > "$CACHE/lammps-$suite.version"
  srcroot="$CACHE/src/lammps-$ver"
  if [ ! -f "$srcroot/.extracted" ]; then
    mkdir -p "$CACHE/tarballs"
    [ -n "$tarball" ] || tarball=$(ls "$CACHE"/tarballs/lammps_"${ver%-*}".orig.tar.* 2>/dev/null | head -1 || true)
    if [ -z "$tarball" ]; then
      [ $have_apt = 1 ] || die "$(no_source_help "$suite")"
      log "downloading LAMMPS $ver source (Debian $suite)" >&2
      # only the upstream tarball is needed; the .dsc/.debian.tar may be missing on a mirror
      (cd "$CACHE/tarballs" && apt-get "${APTO[@]}" source --download-only -q "lammps=$ver" >&2) || true
      tarball=$(ls "$CACHE"/tarballs/lammps_"${ver%-*}".orig.tar.* 2>/dev/null | head -1 || true)
      [ -n "$tarball" ] || die "download of the LAMMPS source tarball lammps=$ver failed" \
        "(or set AMORPH_LAMMPS_TARBALL to a downloaded lammps_<version>.orig.tar.* of Debian $suite)"
    fi
    log "extracting $tarball" >&2
    rm -rf "$srcroot"; mkdir -p "$srcroot"
    # some orig tarballs have a top-level directory, others (sid's) do not
    local strip=0
    [ "$(tar -tf "$tarball" | grep -c '^[^/]*/\?$')" -le 1 ] && strip=1
    tar -xf "$tarball" -C "$srcroot" --strip-components=$strip
    touch "$srcroot/.extracted"
  fi
  echo "$srcroot"
}

# `setup.sh sources [FILE...]`: the deb-src lines setup.sh would use (from FILE..., default
# the system's apt sources), without running apt
cmd_sources() {
  apt_src_lines "$@" || die "$(no_source_help - "$@")"
}

# Kokkos 3.4.01 (the version LAMMPS 29 Sep 2021 requires) from Debian 12's trilinos source
# package (packages/kokkos), built standalone with the OpenMP and Serial backends as shared
# libraries, C++17; cached by version, options and compiler.  Sets KOKKOS_PREFIX.
KOKKOS_VERSION=3.4.01
KOKKOS_PREFIX=""
cmd_kokkos() {
  local src="$CACHE/src/kokkos-$KOKKOS_VERSION" tarball="${AMORPH_TRILINOS_TARBALL:-}" ver opts key bdir
  if [ ! -f "$src/.extracted" ]; then
    if [ -z "$tarball" ]; then
      tarball=$(ls "$CACHE"/tarballs/trilinos_13.2.0.orig.tar.* 2>/dev/null | head -1 || true)
    fi
    if [ -z "$tarball" ]; then
      apt_private || die "$(no_source_help bookworm)"
      [ -n "$(find "$CACHE/apt/lists" -name '*Sources*' 2>/dev/null | head -1)" ] || apt-get "${APTO[@]}" update -q >&2 || true
      ver=$(apt-cache "${APTO[@]}" showsrc trilinos 2>/dev/null | awk '/^Version:/{print $2}' | grep '^13\.2\.0' | sort -V | tail -1)
      [ -n "$ver" ] || die "no trilinos 13.2.0 source package (Debian 12) found; set AMORPH_TRILINOS_TARBALL" \
        "to a downloaded trilinos_13.2.0.orig.tar.gz"
      log "downloading Debian 12's trilinos $ver source (for its Kokkos $KOKKOS_VERSION)" >&2
      mkdir -p "$CACHE/tarballs"
      (cd "$CACHE/tarballs" && apt-get "${APTO[@]}" source --download-only -q "trilinos=$ver" >&2) || true
      tarball=$(ls "$CACHE"/tarballs/trilinos_13.2.0.orig.tar.* 2>/dev/null | head -1 || true)
      [ -n "$tarball" ] || die "download of trilinos=$ver failed (or set AMORPH_TRILINOS_TARBALL)"
    fi
    [ -f "$tarball" ] || die "AMORPH_TRILINOS_TARBALL: no such file '$tarball'"
    log "extracting packages/kokkos of $tarball" >&2
    rm -rf "$src" "$src.tmp"; mkdir -p "$src.tmp"
    tar -xf "$tarball" -C "$src.tmp" --wildcards '*/packages/kokkos/*'
    mv "$src.tmp"/*/packages/kokkos "$src"; rm -rf "$src.tmp"
    grep -q "set(Kokkos_VERSION_MINOR 4)" "$src/CMakeLists.txt" || die "$tarball does not hold Kokkos $KOKKOS_VERSION"
    touch "$src/.extracted"
  fi
  opts=(-DKokkos_ENABLE_OPENMP=ON -DKokkos_ENABLE_SERIAL=ON -DBUILD_SHARED_LIBS=ON -DCMAKE_CXX_STANDARD=17
        -DCMAKE_BUILD_TYPE=Release -DCMAKE_CXX_COMPILER_LAUNCHER=ccache)
  key=$(printf '%s\n' "${opts[@]}" "$(c++ --version | head -1)" | md5sum | cut -c1-10)
  bdir="$CACHE/build/kokkos-$KOKKOS_VERSION-$key"
  if [ ! -f "$bdir/.built" ]; then
    log "building Kokkos $KOKKOS_VERSION in $bdir" >&2
    mkdir -p "$CACHE/build"
    { cmake -S "$src" -B "$bdir" "${opts[@]}" -DCMAKE_INSTALL_PREFIX="$bdir/install" \
        && cmake --build "$bdir" -j "$JOBS" && cmake --install "$bdir"; } > "$bdir.log" 2>&1 \
      || { tail -40 "$bdir.log" >&2; die "Kokkos build failed (log: $bdir.log)"; }
    touch "$bdir/.built"
  fi
  KOKKOS_PREFIX="$bdir/install"
}

# The headers of the newest Kokkos Debian ships (sid's libkokkos-dev, 5.x): its .deb from the
# system's Debian mirror (a private apt configuration for sid's binary packages), unpacked with
# dpkg-deb -x, not installed (its libraries need a newer glibc than Debian 12's).  The /kk
# sources are compile-tested against them and LAMMPS 4 Jul 2026's KOKKOS headers (ctest
# compat.kokkos_headers in build/sid).  Sets KOKKOS_NEWEST_INCLUDE ("" when unavailable).
KOKKOS_NEWEST_INCLUDE=""
kokkos_newest_headers() {
  local d="$CACHE/apt-bin" lines ver deb out
  lines=$(apt_src_lines | sed -n 's/^deb-src \(.*\) sid main$/deb \1 sid main/p') || true
  if [ -n "$lines" ]; then
    mkdir -p "$d/lists/partial" "$d/cache/archives/partial" "$CACHE/tarballs"
    printf '%s\n' "$lines" > "$d/sources.list"
    local o=(-o "Dir::Etc::SourceList=$d/sources.list" -o Dir::Etc::SourceParts=/dev/null
             -o "Dir::State::Lists=$d/lists" -o "Dir::Cache=$d/cache" -o Dir::State::status=/dev/null
             -o APT::Sandbox::User=root)
    if [ -z "$(find "$d/lists" -name '*Packages*' -mmin -1440 2>/dev/null | head -1)" ]; then
      apt-get "${o[@]}" update -q >&2 || true
    fi
    ver=$(apt-cache "${o[@]}" show libkokkos-dev 2>/dev/null | awk '/^Version:/{print $2}' | sort -V | tail -1)
    if [ -n "$ver" ] && ! ls "$CACHE"/tarballs/libkokkos-dev_"${ver//:/%3a}"_*.deb >/dev/null 2>&1; then
      (cd "$CACHE/tarballs" && apt-get "${o[@]}" download -q "libkokkos-dev=$ver" >&2) || true
    fi
  fi
  # the newest downloaded (also offline, from the cache)
  deb=$(ls "$CACHE"/tarballs/libkokkos-dev_*.deb 2>/dev/null | sort -V | tail -1 || true)
  if [ -z "$deb" ]; then
    log "no libkokkos-dev .deb of Debian sid: the compile test of the /kk sources is skipped" >&2
    return 0
  fi
  out="$CACHE/src/$(basename "$deb" .deb)"
  if [ ! -f "$out/.extracted" ]; then
    rm -rf "$out"; dpkg-deb -x "$deb" "$out" && touch "$out/.extracted"
  fi
  [ -f "$out/usr/include/kokkos/Kokkos_Core.hpp" ] && KOKKOS_NEWEST_INCLUDE="$out/usr/include/kokkos"
  return 0
}

opts_key() { printf '%s\n' "${LAMMPS_OPTIONS[@]}" "$(c++ --version | head -1)" "$(mpicxx --showme:version 2>/dev/null || true)" | md5sum | cut -c1-10; }

export CCACHE_DIR="$CACHE/ccache" CCACHE_BASEDIR="$CACHE" CCACHE_MAXSIZE=5G CCACHE_NOHASHDIR=true

# configure and build LAMMPS (source $1) in $2 with LAMMPS_OPTIONS plus the further
# arguments; logs beside the build folder, their tail shown on failure
build_lammps() {
  local src="$1" bdir="$2"
  mkdir -p "$CACHE/build"
  cmake -S "$src/cmake" -B "$bdir" "${LAMMPS_OPTIONS[@]}" "${@:3}" > "$bdir.configure.log" 2>&1 \
    || { tail -40 "$bdir.configure.log"; die "LAMMPS configure failed (log: $bdir.configure.log)"; }
  cmake --build "$bdir" -j "$JOBS" > "$bdir.build.log" 2>&1 \
    || { tail -40 "$bdir.build.log"; die "LAMMPS build failed (log: $bdir.build.log)"; }
}

# Build LAMMPS as shared library + lmp into the cache; stage its Python module so that
# `import lammps` loads THIS liblammps.so, never a system copy.
cmd_lammps() {
  local suite="${1:-sid}" src ver bdir
  src=$(lammps_source "$suite"); ver=$(cat "$CACHE/lammps-$suite.version")
  lammps_options "$suite"
  bdir="$CACHE/build/lammps-$ver-$(opts_key)"
  if [ ! -f "$bdir/.built" ]; then
    log "building LAMMPS $ver in $bdir (takes several minutes)"
    build_lammps "$src" "$bdir" -DCMAKE_INSTALL_PREFIX="$bdir/install"
    stage_python "$src" "$bdir"
    touch "$bdir/.built"
  fi
  ln -sfn "$bdir" "$CACHE/lammps-$suite"
  log "LAMMPS $ver ready: $bdir/lmp"
}

# the LAMMPS python package, with liblammps.so next to it (core.py looks there first)
stage_python() {
  local src="$1" bdir="$2" py="$2/python"
  rm -rf "$py"; mkdir -p "$py"
  cp -r "$src/python/lammps" "$py/lammps"
  cp -P "$bdir"/liblammps.so* "$py/lammps/"
  # package metadata with the version of THIS build, so that a system-wide lammps
  # distribution (e.g. Debian's python3-lammps) is never taken for ours
  local v; v=$(sed -n 's/^#define LAMMPS_VERSION "\(.*\)"/\1/p' "$src/src/version.h")
  v=$(date -d "$v" +%Y.%-m.%-d)
  mkdir -p "$py/lammps-$v.dist-info"
  printf 'Metadata-Version: 2.1\nName: lammps\nVersion: %s\n' "$v" > "$py/lammps-$v.dist-info/METADATA"
}

cmd_env() {
  local suite="${1:-sid}" b="$CACHE/lammps-${1:-sid}"
  [ -d "$b" ] || die "LAMMPS for $suite not built yet: run 'bash scripts/setup.sh lammps $suite'"
  b=$(readlink -f "$b")
  echo "export PATH=$b:\$PATH"
  echo "export LD_LIBRARY_PATH=$b\${LD_LIBRARY_PATH:+:\$LD_LIBRARY_PATH}"
  echo "export PYTHONPATH=$b/python:$HERE/python\${PYTHONPATH:+:\$PYTHONPATH}"
  echo "export LAMMPS_PLUGIN_PATH=$HERE/build/$suite"
  echo "export LAMMPS_POTENTIALS=$HERE/potentials"
}

# The venv of the peer codes (unittest/peers/requirements.txt, every version pinned), in the
# cache, keyed by the requirement list and the Python version; PyPI through pip's own
# configuration.  It does not see Debian's site-packages (ovito needs numpy >= 2).
# Sets PEERS_PYTHON.
PEERS_PYTHON=""
peers_venv() {
  local req="$HERE/unittest/peers/requirements.txt" key venv
  key=$( { cat "$req"; "$PY" --version; } | md5sum | cut -c1-10)
  venv="$CACHE/venv-peers-$key"
  if [ ! -f "$venv/.installed" ]; then
    log "making the venv of the peer codes (OVITO, freud, pyscal3) in $venv"
    rm -rf "$venv"
    "$PY" -m venv "$venv" || die "python3 -m venv failed (Debian package python3-venv)"
    "$venv/bin/python" -m pip install -q --disable-pip-version-check -r "$req" \
      || die "pip install -r $req failed"
    "$venv/bin/python" -c "import ovito, freud, pyscal3, pytest" || die "the peer codes do not import in $venv"
    touch "$venv/.installed"
  fi
  PEERS_PYTHON="$venv/bin/python"
}

cmd_plugin() {
  local suite="${1:-sid}" b extra=()
  # the peers tests run with the venv's Python when the caller made it (cmd_test); not against
  # LAMMPS 29 Sep 2021 (they make their glass with create_atoms ... overlap, newer LAMMPS only)
  [ -n "$PEERS_PYTHON" ] && [ "$suite" != bookworm ] && extra+=(-DAMORPH_PEERS_PYTHON="$PEERS_PYTHON")
  # the compile test of the /kk sources against the newest Kokkos headers (cmd_test, sid)
  [ "$suite" = sid ] && [ -n "$KOKKOS_NEWEST_INCLUDE" ] && extra+=(-DAMORPH_KOKKOS_HEADERS="$KOKKOS_NEWEST_INCLUDE")
  b=$(readlink -f "$CACHE/lammps-$suite") || die "LAMMPS for $suite not built"
  local src; src=$(lammps_source "$suite")
  # the built-in test runs when a LAMMPS with AMORPH compiled in exists for this suite
  [ -d "$CACHE/lammps-$suite-builtin" ] && extra+=(-DAMORPH_BUILTIN_LAMMPS_DIR="$(readlink -f "$CACHE/lammps-$suite-builtin")")
  log "building AMORPH plugin against LAMMPS $(cat "$CACHE/lammps-$suite.version") into build/$suite"
  cmake -S "$HERE" -B "$HERE/build/$suite" -DLAMMPS_SOURCE_DIR="$src/src" -DLAMMPS_BINARY_DIR="$b" \
        -DCMAKE_BUILD_TYPE=Release -DAMORPH_BUILD_TESTS=ON -DCMAKE_CXX_COMPILER_LAUNCHER=ccache "${extra[@]}"
  cmake --build "$HERE/build/$suite" -j "$JOBS"
}

# LAMMPS with AMORPH compiled in (built-in package mode), same options as the host build
cmd_builtin() {
  local suite="${1:-sid}" src ver bdir
  src=$(lammps_source "$suite"); ver=$(cat "$CACHE/lammps-$suite.version")
  lammps_options "$suite"
  # same depth as the host build folder, so ccache hits for every unchanged LAMMPS file
  bdir="$CACHE/build/lammps-$ver-$(opts_key)-builtin"
  log "building LAMMPS $ver with AMORPH built in ($bdir)"
  build_lammps "$src" "$bdir" -DCMAKE_PROJECT_lammps_INCLUDE="$HERE/cmake/AMORPHBuiltin.cmake"
  ln -sfn "$bdir" "$CACHE/lammps-$suite-builtin"
}

# the bookworm suite has a source: from apt, or a lammps_20220106* tarball given by hand
have_bookworm_source() {
  [ -z "${AMORPH_LAMMPS_TARBALL:-}" ] && return 0
  local t paths=()
  IFS=: read -ra paths <<< "$AMORPH_LAMMPS_TARBALL"
  for t in "${paths[@]}"; do [[ "$(basename "$t")" == lammps_20220106* ]] && return 0; done
  return 1
}

cmd_test() {
  cmd_deps
  cmd_lammps sid
  cmd_builtin sid
  peers_venv
  kokkos_newest_headers
  cmd_plugin sid
  cmd_lammps trixie
  cmd_plugin trixie
  local bookworm=1
  if have_bookworm_source; then
    cmd_lammps bookworm
    cmd_plugin bookworm
  else
    bookworm=0
    log "AMORPH_LAMMPS_TARBALL has no lammps_20220106* tarball: the LAMMPS 29 Sep 2021 (KOKKOS) suite is skipped"
  fi
  local rc=0
  log "tests against LAMMPS $(cat "$CACHE/lammps-sid.version") (newest): full suite"
  ctest --test-dir "$HERE/build/sid" --output-on-failure -j "$JOBS" || rc=1
  log "tests against LAMMPS $(cat "$CACHE/lammps-trixie.version") (Debian trixie): full suite"
  ctest --test-dir "$HERE/build/trixie" --output-on-failure -j "$JOBS" || rc=1
  if [ $bookworm = 1 ]; then
    log "tests against LAMMPS $(cat "$CACHE/lammps-bookworm.version") (29 Sep 2021, with KOKKOS): full suite"
    ctest --test-dir "$HERE/build/bookworm" --output-on-failure -j "$JOBS" || rc=1
  fi
  return $rc
}

cmd_demo() {
  cmd_deps
  cmd_lammps sid
  cmd_plugin sid
  eval "$(cmd_env sid)"
  log "running examples/quickstart"
  bash "$HERE/examples/quickstart/run.sh"
}

case "${1:-}" in
  deps)    cmd_deps ;;
  lammps)  cmd_deps; cmd_lammps "${2:-sid}" ;;
  plugin)  cmd_plugin "${2:-sid}" ;;
  builtin) cmd_builtin "${2:-sid}" ;;
  env)     cmd_env "${2:-sid}" ;;
  peers)   peers_venv >&2; echo "$PEERS_PYTHON" ;;
  kokkos)  cmd_kokkos; echo "$KOKKOS_PREFIX" ;;
  test)    cmd_test ;;
  demo)    cmd_demo ;;
  sources) shift; cmd_sources "$@" ;;
  *) sed -n '2,/^set -euo/{/^set -euo/!p}' "$0"; exit 2 ;;
esac
