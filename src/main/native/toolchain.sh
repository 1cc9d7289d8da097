#!/usr/bin/env bash
# Assembles a native-image toolchain (a GRAALVM_HOME that Quarkus's `-Dnative` build accepts) from the
# GraalVM 25.0.4 builder on Maven Central, a Temurin 25 JDK and the stand-ins described in
# shared/native-toolchain/README.md, for machines where no GraalVM or Mandrel distribution can be had.
# Elsewhere, use a real GraalVM or Mandrel (or Quarkus's container build) and skip this script.
#
#   src/main/native/toolchain.sh            # prints the assembled GRAALVM_HOME on its last line
#
# It is idempotent: a home already assembled from the same recipe, JDK and builder is kept (a stamp
# records them), so CI pays for it once per machine. Settings (environment):
#   GRAALVM_HOME     where to assemble (default ~/.cache/titles-gateway/graalvm-25.0.4)
#   JAVA25_HOME      the Temurin 25 JDK to build on (default /usr/lib/jvm/temurin-25-jdk-amd64)
#   TOOLCHAIN_RECIPE the stand-ins' sources (default ../shared/native-toolchain beside this clone)
#   MAVEN_REPO       the local Maven repository the builder jars are resolved into (default ~/.m2/repository)
set -euo pipefail
project=$(cd "$(dirname "$0")/../../.." && pwd)
VERSION=25.0.4
HOME_DIR=${GRAALVM_HOME:-$HOME/.cache/titles-gateway/graalvm-$VERSION}
JDK=${JAVA25_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}
RECIPE=${TOOLCHAIN_RECIPE:-$project/../shared/native-toolchain}
REPO=${MAVEN_REPO:-$HOME/.m2/repository}

say() { echo "native toolchain: $*" >&2; }
fail() { say "$*"; exit 1; }

[ -x "$JDK/bin/javac" ] || fail "no JDK 25 at $JDK (set JAVA25_HOME)"
[ -f "$RECIPE/README.md" ] || fail "no recipe at $RECIPE (set TOOLCHAIN_RECIPE to shared/native-toolchain)"
command -v gcc >/dev/null && command -v ar >/dev/null || fail "gcc and ar are needed (apt-get install gcc binutils)"
RECIPE=$(cd "$RECIPE" && pwd)

stamp="$VERSION $(cd "$RECIPE" && find . -type f -print0 | sort -z | xargs -0 sha256sum | sha256sum | cut -c1-16) $("$JDK/bin/java" -version 2>&1 | head -1) $(sha256sum "$0" | cut -c1-16)"
if [ -f "$HOME_DIR/.assembled" ] && [ "$(cat "$HOME_DIR/.assembled")" = "$stamp" ] && [ -x "$HOME_DIR/bin/native-image" ]; then
  say "kept $HOME_DIR (assembled earlier from the same recipe)"
  echo "$HOME_DIR"
  exit 0
fi

# 1. The builder: org.graalvm.nativeimage:svm and its dependencies. Their poms select by the running JDK,
#    hence JAVA_HOME=JDK 25 for the resolution.
say "resolving org.graalvm.nativeimage:svm:$VERSION into $REPO"
JAVA_HOME="$JDK" "$project/mvnw" -q -B -f "$project/pom.xml" dependency:get \
  -Dartifact="org.graalvm.nativeimage:svm:$VERSION" -Dmaven.repo.local="$REPO" >/dev/null 2>&1 \
  || fail "could not resolve the GraalVM builder from Maven Central"
builder_jars=(nativeimage/svm nativeimage/pointsto nativeimage/objectfile nativeimage/native-image-base
  compiler/compiler sdk/nativeimage sdk/word sdk/collections sdk/nativeimage-libgraal truffle/truffle-compiler
  nativeimage/svm-configure nativeimage/svm-capnproto-runtime espresso/espresso-svm)

# 2. A full JDK as the home; everything below is added to it.
say "assembling $HOME_DIR on $JDK"
rm -rf "$HOME_DIR"
mkdir -p "$(dirname "$HOME_DIR")"
cp -a "$JDK" "$HOME_DIR"
svm="$HOME_DIR/lib/svm"
clib="$svm/clibraries/linux-amd64/glibc"
mkdir -p "$svm/builder/lib" "$clib/include" "$svm/dynjdk" "$svm/probe" "$HOME_DIR/lib/static/linux-amd64/glibc"
for jar in "${builder_jars[@]}"; do
  cp "$REPO/org/graalvm/$jar/$VERSION/$(basename "$jar")-$VERSION.jar" "$svm/builder/"
done

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# 3. The C headers the builder compiles its queries against, written from the builder's own
#    declarations (each platform's @CStruct CPUFeatures, which the builder queries whatever the target,
#    and LocaleProps), read by the recipe's DumpC.
"$JDK/bin/javac" -d "$work" "$RECIPE/tools/DumpC.java"
classpath=$(printf "$svm/builder/%s:" svm-$VERSION.jar nativeimage-$VERSION.jar word-$VERSION.jar native-image-base-$VERSION.jar compiler-$VERSION.jar collections-$VERSION.jar)
"$JDK/bin/java" -cp "$work" DumpC "${classpath%:}" 'com.oracle.svm.core.amd64.AMD64LibCHelper$CPUFeatures' \
  'com.oracle.svm.core.aarch64.AArch64LibCHelper$CPUFeatures' 'com.oracle.svm.core.riscv64.RISCV64LibCHelper$CPUFeatures' \
  'com.oracle.svm.core.c.locale.LocaleCHelper$LocaleProps' > "$work/declarations.txt"
for arch in amd64:AMD64 aarch64:AArch64 riscv64:RISCV64; do
  name=${arch%%:*} class=${arch#*:}
  guard=$(echo "${name}cpufeatures_h" | tr a-z A-Z)
  {
    echo "/* Written by src/main/native/toolchain.sh from the builder's @CStruct ${class}LibCHelper.CPUFeatures. */"
    echo "#ifndef $guard"
    echo "#define $guard"
    echo "typedef struct {"
    awk -v c="com.oracle.svm.core.$name.${class}LibCHelper" \
      'index($0, "== " c "$CPUFeatures") == 1 {on=1; next} /^== / {on=0} on && $1 == "CField" {print "  char " $2 ";"}' "$work/declarations.txt"
    echo "} CPUFeatures;"
    echo "#endif"
  } > "$clib/include/${name}cpufeatures.h"
done
{
  echo "/* Written by src/main/native/toolchain.sh from the builder's @CStruct LocaleProps. */"
  echo "#ifndef SVM_LOCALE_H"
  echo "#define SVM_LOCALE_H"
  echo "#define SVM_LOCALE_INITIALIZATION_SUCCEEDED 0"
  echo "#define SVM_LOCALE_INITIALIZATION_OUT_OF_MEMORY 1"
  echo "typedef struct {"
  awk '/^== .*LocaleProps/ {on=1; next} /^== / {on=0} on && $1 == "CField" {match($0, /CField\("[a-z_]+"\)/); print "  char *" substr($0, RSTART + 8, RLENGTH - 10) ";"}' "$work/declarations.txt"
  echo "} svm_locale_props_t;"
  echo "#endif"
} > "$clib/include/svm_locale.h"
for name in amd64 aarch64 riscv64; do
  fields=$(grep -c 'char f' "$clib/include/${name}cpufeatures.h" || true)
  [ "$fields" -gt 5 ] || fail "the $name CPUFeatures header came out with $fields fields; see $work/declarations.txt"
done
grep -q 'display_language' "$clib/include/svm_locale.h" || fail "the locale header lacks its fields"
# the header resolver looks beside the C library path and in it
cp -r "$clib/include" "$svm/clibraries/linux-amd64/"

# 4. The static C libraries the image links, and the builder's own JNI helper.
static_lib() { # name, sources...
  local name=$1; shift
  local objects=()
  for source in "$@"; do
    gcc -O2 -fPIC -I"$clib/include" -c "$source" -o "$work/$(basename "$source" .c).o"
    objects+=("$work/$(basename "$source" .c).o")
  done
  ar rcs "$clib/$name" "${objects[@]}"
}
static_lib liblibchelper.a "$RECIPE/csrc/libchelper/libchelper.c"
static_lib libjvm.a "$RECIPE/csrc/jvm/onload.c" "$RECIPE/csrc/jvm/svmjvm.c"
static_lib libsvm_container.a "$RECIPE/csrc/container/svm_container.c"
gcc -O2 -shared -fPIC -I"$JDK/include" -I"$JDK/include/linux" "$RECIPE/csrc/reporter/reporterchelper.c" \
  -o "$svm/builder/lib/libreporterchelper.so"
# the builder only checks that the JDK's static libraries exist; the image links the shared ones (5.)
for lib in libjava libnio libnet; do ar rcs "$HOME_DIR/lib/static/linux-amd64/glibc/$lib.a"; done

# 5. The JDK's shared libraries an image loads at run time, and the libjvm.so they need.
for lib in libjava.so libnio.so libnet.so libzip.so libextnet.so libmanagement_ext.so; do
  cp "$JDK/lib/$lib" "$svm/dynjdk/"
done
gcc -O2 -shared -fPIC -Wl,--version-script="$RECIPE/csrc/dynjvm/ver.map" \
  "$RECIPE/csrc/dynjvm/impl.c" "$RECIPE/csrc/dynjvm/stubs.c" -o "$svm/dynjdk/libjvm.so"

# 6. The builder's launch and the driver. The driver hands the -J options it was given (Quarkus's
#    --add-exports for its own features among them) over in NI_JVM_EXTRA, one \x1f between each; the
#    recipe's launch reads NI_JVM_OPTS, so a launch of ours puts them there first.
cp "$RECIPE/tools/exports.args" "$svm/probe/"
cp "$RECIPE/tools/ni-builder.sh" "$svm/probe/ni-builder-recipe.sh"
cat > "$svm/probe/ni-builder.sh" <<'LAUNCH'
#!/usr/bin/env bash
# The builder JVM's launch (src/main/native/toolchain.sh): the driver's -J options, then the recipe's launch.
IFS=$'\x1f' read -r -a driver_options <<< "${NI_JVM_EXTRA:-}"
export NI_JVM_OPTS="${NI_JVM_OPTS:--Xmx10g} ${driver_options[*]}"
# the version a GraalVM builder announces to the code it builds (Quarkus reads it at build time)
export JDK_JAVA_OPTIONS="-Dorg.graalvm.vendorversion=\"GraalVM CE ${NI_VERSION:-25.0.4}+7.1\""
exec "$(dirname "$(readlink -f "$0")")/ni-builder-recipe.sh" "$@"
LAUNCH
chmod +x "$svm/probe/ni-builder.sh" "$svm/probe/ni-builder-recipe.sh"
mkdir -p "$work/driver"
"$JDK/bin/javac" -d "$work/driver" "$RECIPE/tools/NiDriver.java"
"$JDK/bin/jar" --create --main-class NiDriver --file "$svm/probe/ni-driver.jar" -C "$work/driver" .
cat > "$HOME_DIR/bin/native-image" <<EOF
#!/usr/bin/env bash
# native-image for this assembled toolchain (src/main/native/toolchain.sh)
export NI_JAVA_HOME="$HOME_DIR" NI_REPO="$REPO" JVMCI_VERSION_CHECK=ignore
exec "$HOME_DIR/bin/java" -Dni.home="$HOME_DIR" -Dni.version=$VERSION -jar "$svm/probe/ni-driver.jar" "\$@"
EOF
chmod +x "$HOME_DIR/bin/native-image"
"$HOME_DIR/bin/native-image" --version >/dev/null || fail "the assembled native-image does not answer --version"

echo "$stamp" > "$HOME_DIR/.assembled"
say "assembled $HOME_DIR"
echo "$HOME_DIR"
