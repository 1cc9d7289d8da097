#!/usr/bin/env bash
# Makes the base images the image tests build on, from Debian packages, where no registry can be
# reached (the project's build machines): the Dockerfiles take their base as a build argument, whose
# default stays the public image a real user pulls.
#
#   src/main/docker/local-bases.sh        # installs podman if missing, then makes what is missing:
#     localhost/titles-gateway-base:jre17    Debian 12 and its OpenJDK 17 JRE   (for Dockerfile.jvm)
#     localhost/titles-gateway-base:jre25    Debian 12 and the machine's Temurin 25 in /opt/java/openjdk,
#                                            as eclipse-temurin lays it out     (for Dockerfile.jvm25)
#     localhost/titles-gateway-base:native   Debian 12, nothing more           (for Dockerfile.native-micro)
# FORCE=1 makes them again. JAVA25_HOME names the Temurin 25 (default /usr/lib/jvm/temurin-25-jdk-amd64).
# Every podman call of the project sets CONTAINERS_CONF to src/main/docker/podman/containers.conf.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
export CONTAINERS_CONF="$here/podman/containers.conf"
JDK25=${JAVA25_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}
SUITE=${DEBIAN_SUITE:-bookworm}
say() { echo "local bases: $*" >&2; }

if ! command -v podman >/dev/null || ! command -v mmdebstrap >/dev/null; then
  [ "$(id -u)" = 0 ] || { say "podman and mmdebstrap are missing and only root can install them"; exit 1; }
  say "installing podman and mmdebstrap from Debian's packages"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends podman runc crun conmon \
    containernetworking-plugins golang-github-containers-common iptables uidmap slirp4netns fuse-overlayfs \
    mmdebstrap >/dev/null
fi

exists() { [ -z "${FORCE:-}" ] && podman image exists "$1"; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# one Debian tree for all three: minbase (no apt lists kept), a CA bundle, curl for the AOT training's
# requests, and a user 185 for the JVM images' files (the images run as 185 / 1001 numerically anyway)
debian() { # extra packages..., then the tar to write
  local out=${!#} packages="ca-certificates,curl,passwd"
  [ $# -gt 1 ] && packages="$packages,$(IFS=,; echo "${*:1:$#-1}")"
  mmdebstrap --quiet --variant=minbase --include="$packages" \
    --customize-hook='chroot "$1" useradd --uid 185 --no-create-home --home-dir /deployments gateway' \
    --customize-hook='rm -rf "$1"/var/lib/apt/lists/* "$1"/var/cache/apt/* "$1"/usr/share/doc/* "$1"/usr/share/man/*' \
    "$SUITE" "$out"
}

if ! exists localhost/titles-gateway-base:native || ! exists localhost/titles-gateway-base:jre25; then
  say "making Debian $SUITE (minbase)"
  debian "$work/debian.tar"
  podman import --quiet "$work/debian.tar" localhost/titles-gateway-base:native >/dev/null
fi
if ! exists localhost/titles-gateway-base:jre17; then
  say "making Debian $SUITE with OpenJDK 17"
  debian openjdk-17-jre-headless "$work/jre17.tar"
  podman import --quiet --change 'ENV JAVA_HOME=/usr/lib/jvm/java-17-openjdk-amd64' \
    "$work/jre17.tar" localhost/titles-gateway-base:jre17 >/dev/null
fi
if ! exists localhost/titles-gateway-base:jre25; then
  [ -x "$JDK25/bin/java" ] || { say "no Temurin 25 at $JDK25 (set JAVA25_HOME)"; exit 1; }
  say "making Debian $SUITE with $("$JDK25/bin/java" -version 2>&1 | head -1)"
  mkdir -p "$work/jre25"
  cp -a "$JDK25" "$work/jre25/openjdk"
  rm -rf "$work/jre25/openjdk/jmods" "$work/jre25/openjdk/lib/src.zip" "$work/jre25/openjdk/man"
  cat > "$work/jre25/Containerfile" <<'CONTAINERFILE'
FROM localhost/titles-gateway-base:native
COPY openjdk/ /opt/java/openjdk/
ENV JAVA_HOME=/opt/java/openjdk PATH=/opt/java/openjdk/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
CONTAINERFILE
  podman build --quiet -t localhost/titles-gateway-base:jre25 "$work/jre25" >/dev/null
fi
say "ready: $(podman images --format '{{.Repository}}:{{.Tag}} {{.Size}}' | grep titles-gateway-base | tr '\n' ' ')"
