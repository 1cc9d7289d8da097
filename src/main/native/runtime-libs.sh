#!/usr/bin/env bash
# Fills target/native-libs with the shared libraries a native executable built by the assembled
# toolchain (src/main/native/toolchain.sh) loads at run time: the JDK's libjava, libnio, libnet, libzip,
# libextnet and libmanagement_ext, and the small libjvm.so they call into. Outside an image the
# executable finds them through the absolute path the build recorded; an image has them in /work/lib
# (Dockerfile.native-micro's RUNTIME_LIBS). GRAALVM_HOME names the assembled toolchain (default: the
# one toolchain.sh assembles); a real GraalVM or Mandrel needs none, and then nothing is copied.
# Run by the native profile before the integration tests (ImagesIT builds the native image with them).
set -euo pipefail
cd "$(dirname "$0")/../../.."
home=${GRAALVM_HOME:-$HOME/.cache/titles-gateway/graalvm-25.0.4}
rm -rf target/native-libs
[ -d "$home/lib/svm/dynjdk" ] || { echo "runtime libs: none needed ($home is not a toolchain from src/main/native/toolchain.sh)" >&2; exit 0; }
mkdir -p target/native-libs
cp "$home"/lib/svm/dynjdk/*.so target/native-libs/
echo "runtime libs: $(ls target/native-libs | tr '\n' ' ')in target/native-libs" >&2
