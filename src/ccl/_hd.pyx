# cython: language_level=3
"""The compiled HD address engine: CIP-1852 keys and Shelley addresses (public API: ccl.hd).

Design in one paragraph: all derivation runs in C (native/hd/, on libsodium) with the GIL
released. Private key material never becomes a Python object: it lives in sodium_malloc'd
buffers owned by the C account handle (hd_account) and is wiped by close() / garbage collection.
The Cython code only validates arguments (under the GIL, before any native call), runs the C
loop and turns its buffers into Python objects; every C status goes through one map
(``_raise_for``), every address buffer through one routine (``_derive``).

Why one module of many files: the key classes, the argument checks, the reverse lookup and the
entries of ccl.aio and the CLI's row writer call each other as C functions and share the key
classes' C fields, which needs one compilation unit. ``include`` keeps that unit (the pattern of
_core.pyx and uvloop's loop.pyx) while each concern has a file under hd/, in dependency order:
errors -> mnemonic -> args -> derive -> decode (bech32, CIP-0019) -> find -> governance ->
public_key -> account_key -> the entries of other modules (aio, rows). Every extern lives in
``includes/``. Test and benchmark hooks are not here: they are the separate extension
``ccl._hd_testing``, which cimports this module's classes through _hd.pxd.
"""

cimport cython
from libc.stdint cimport uint8_t, uint32_t
from libc.stdlib cimport malloc, free
from libc.string cimport memcpy

from ccl._args cimport as_int, network_ordinal, soft_index, thread_count, utf8_view
from cpython.mem cimport PyMem_RawMalloc, PyMem_RawFree
from cpython.bytes cimport PyBytes_AsStringAndSize, PyBytes_FromStringAndSize
from cpython.unicode cimport PyUnicode_DecodeASCII

from ccl.includes.hd cimport *
from ccl.includes.rows cimport *
from ccl.includes.sodium cimport sodium_memzero

import random
import threading
import unicodedata

if hd_init() != HD_OK:
    raise ImportError("libsodium failed to initialise (sodium_init)")

include "hd/errors.pyx"
include "hd/mnemonic.pyx"
include "hd/args.pyx"
include "hd/derive.pyx"
include "hd/decode.pyx"
include "hd/find.pyx"
include "hd/governance.pyx"
include "hd/public_key.pyx"
include "hd/account_key.pyx"
include "hd/aio.pyx"  # ccl.aio address ranges (#20)
include "hd/rows.pyx"  # rows formatted by the engine (#24)
