#!/usr/bin/env bash
# Builds a libFuzzer target with clang -fsanitize=fuzzer,address,undefined and runs it:
#   hd    native/hd/fuzz_hd.c: bech32 decode/encode round trips, acct_xvk parsing (the default)
#   cbor  native/fuzz_cbor.c: the CBOR pre-flight scan that reads every CBOR argument
#   curve native/hd/curve/fuzz_curve.c: point decompression of arbitrary 32 bytes, addition and
#         fixed-base multiplication, each against libsodium's public API
# See docs/SANITIZERS.md.
#
#   bash scripts/fuzz_native.sh            # 60 seconds
#   bash scripts/fuzz_native.sh 600        # 10 minutes
#   bash scripts/fuzz_native.sh 60 -jobs=2 -workers=2     # extra libFuzzer flags after the time
#   FUZZ_TARGET=cbor bash scripts/fuzz_native.sh 300
#
# Environment:
#   FUZZ_TARGET hd (default), cbor or curve
#   CC          clang to use (default: clang; needs the libFuzzer runtime, Debian's clang has it)
#   FUZZ_DIR    where the binary, the corpus and crash files live (default /tmp/ccl-fuzz-TARGET;
#               the corpus is kept between runs so that each run starts where the last one ended)
# Exit status: 0 when the time ran out without a finding; non-zero (and a crash-*/leak-*/
# timeout-* file in FUZZ_DIR, reproducible with `$FUZZ_DIR/fuzz_TARGET FILE`) otherwise.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
SECONDS_TO_RUN="${1:-60}"
shift || true
CC="${CC:-clang}"
TARGET="${FUZZ_TARGET:-hd}"
case "$TARGET" in hd|cbor|curve) ;; *) echo "fuzz_native: FUZZ_TARGET must be hd, cbor or curve" >&2; exit 2;; esac
FUZZ_DIR="${FUZZ_DIR:-/tmp/ccl-fuzz-$TARGET}"
CORPUS="$FUZZ_DIR/corpus"
mkdir -p "$CORPUS"

if ! command -v "$CC" >/dev/null; then
  echo "fuzz_native: $CC not found (apt-get install clang)" >&2
  exit 2
fi
SODIUM_CFLAGS="$(pkg-config --cflags libsodium 2>/dev/null || true)"
SODIUM_LIBS="$(pkg-config --libs libsodium 2>/dev/null || echo -lsodium)"

# -fno-sanitize-recover: a UBSan finding is a crash (a reproducer file), not a log line.
SAN=(-g -O1 -fno-omit-frame-pointer "-fsanitize=fuzzer,address,undefined"
     -fno-sanitize-recover=undefined -I"$ROOT/native")
seed() { printf '%s' "$2" > "$CORPUS/seed-$1"; }
echo "fuzz_native: building $FUZZ_DIR/fuzz_$TARGET"
if [ "$TARGET" = hd ]; then
  # shellcheck disable=SC2086
  "$CC" "${SAN[@]}" $SODIUM_CFLAGS \
    "$ROOT/native/hd/fuzz_hd.c" "$ROOT/native/hd/bech32.c" "$ROOT/native/hd/hd.c" \
    "$ROOT/native/hd/bip39.c" "$ROOT/native/hd/pbkdf2.c" "$ROOT/native/hd/master.c" \
    $SODIUM_LIBS -lpthread -o "$FUZZ_DIR/fuzz_hd"
  # Seeds: valid strings of every shape the parsers accept (public test-vector keys, no
  # secret), so that mutations start inside the interesting part of the input space.
  seed xvk 'acct_xvk1k0u2446ser6f355g950v6a9l258grpcw3xk2akpw3cgw7kr33pcfz2rdvq0vlc92lssjz92dk7rm7jyueu6uddwmt4sqjczjeze5ctc7s0f98'
  seed xvk-upper 'ACCT_XVK1K0U2446SER6F355G950V6A9L258GRPCW3XK2AKPW3CGW7KR33PCFZ2RDVQ0VLC92LSSJZ92DK7RM7JYUEU6UDDWMT4SQJCZJEZE5CTC7S0F98'
  seed base 'addr1qyqt0pru382hy9vjlsxv3ye02z50sfvt8xunscg5pgden77z73dpdfng2ctw2ekqplqgrljelz7h4dneac27nn3qx3rqrhqvwd'
  seed enterprise 'addr_test1vqqt0pru382hy9vjlsxv3ye02z50sfvt8xunscg5pgden7cetfzyu'
  seed stake 'stake1u8p0gksk5e59v9h9vmqqlsyplevl30t6keu7u90fecsrg3sv33m94'
  seed stake-test 'stake_test1urp0gksk5e59v9h9vmqqlsyplevl30t6keu7u90fecsrg3stmmepg'
  seed empty-hrp '1qqqqqq'
  seed short 'a12uel5l'
  MAX_LEN=1100   # fuzz_hd handles up to 600 payload bytes (bech32 up to HD_BECH32_MAX)
elif [ "$TARGET" = curve ]; then
  # shellcheck disable=SC2086
  "$CC" "${SAN[@]}" $SODIUM_CFLAGS \
    "$ROOT/native/hd/curve/fuzz_curve.c" "$ROOT/native/hd/curve/curve.c" \
    $SODIUM_LIBS -o "$FUZZ_DIR/fuzz_curve"
  # Seeds: the base point, the identity, a non-canonical y (p + 1), x = 0 with the sign bit set,
  # a point that does not decode (y = 2), then base point + scalar shapes.
  B='\x58\x66\x66\x66\x66\x66\x66\x66\x66\x66\x66\x66\x66\x66\x66\x66\x66\x66\x66\x66\x66\x66\x66\x66\x66\x66\x66\x66\x66\x66\x66\x66'
  Z31='\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00'
  F30='\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff'
  printf "$B" > "$CORPUS/seed-base"
  printf "\x01$Z31" > "$CORPUS/seed-identity"
  printf "\xee$F30\x7f" > "$CORPUS/seed-noncanonical"
  printf "\x01${Z31%????}\x80" > "$CORPUS/seed-negzero"
  printf "\x02$Z31" > "$CORPUS/seed-nodecode"
  printf "$B$B\x01$Z31" > "$CORPUS/seed-add-mul"
  MAX_LEN=96
else
  "$CC" "${SAN[@]}" "$ROOT/native/fuzz_cbor.c" "$ROOT/native/ccl_cbor.c" -o "$FUZZ_DIR/fuzz_cbor"
  # Seeds (first byte: 0 = hex text, 1 = binary to be hex-encoded): a transaction, a datum, a
  # tagged null, nesting and indefinite lengths, so mutations start from real CBOR shapes.
  seed tx-hex '084a300d9010281825820aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa00018182581d60aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa1a004c4b40021a0002a229a0f5f6'
  seed datum-hex '0d8799f9f4100ffd87980a1014001ff'
  seed tagged-null '0d90102f6'
  seed deep "0$(printf '81%.0s' $(seq 1 1100))00"
  printf '\001\237\330\171\237\300\366\377\377' > "$CORPUS/seed-indef-bin"
  MAX_LEN=4200   # room for nesting past CCL_CBOR_MAX_DEPTH (1024) in either form
fi

cd "$FUZZ_DIR"
echo "fuzz_native: running for ${SECONDS_TO_RUN}s (corpus $CORPUS)"
export ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1}"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}"
# -timeout: one input may take at most 10 s.
set +e
"./fuzz_$TARGET" -max_total_time="$SECONDS_TO_RUN" -max_len="$MAX_LEN" -timeout=10 -rss_limit_mb=2048 \
  -print_final_stats=1 -artifact_prefix="$FUZZ_DIR/" "$@" "$CORPUS"
rc=$?
set -e
if [ "$rc" -ne 0 ]; then
  echo "fuzz_native: FAILED (exit $rc); reproducers:" >&2
  ls -1 "$FUZZ_DIR"/crash-* "$FUZZ_DIR"/leak-* "$FUZZ_DIR"/timeout-* "$FUZZ_DIR"/oom-* 2>/dev/null >&2 || true
  exit "$rc"
fi
echo "fuzz_native: OK, no finding in ${SECONDS_TO_RUN}s; corpus: $(find "$CORPUS" -type f | wc -l) inputs"
