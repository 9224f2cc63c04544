# cython: language_level=3
"""The compiled core of ccl: CclLib, its namespaces and the batch engine.

Design in one paragraph: every libccl call is described by a ``ccl_req`` (an entry id from
native/ccl_entries.h and the call's arguments, by name) and executed by ``ccl_rt_call`` in
native/ccl_runtime.c, which owns the isolate, the per-OS-thread IsolateThread cache, the typed
call thunks and the status -> result/error -> free protocol. The Cython code only validates and
converts arguments (under the GIL, before any native call), runs the request with the GIL released
(``CclLib._call`` for one, ``_many`` for a batch) and converts the outcome back. No other code
touches graal_* or the protocol.

Why one module of many files: the namespaces, the batch driver and the argument checks share
module-level state (the input cap set by ``configure``, the version check) and call each other as
C functions, which needs one compilation unit. ``include`` keeps that unit (uvloop's loop.pyx
pattern) while each concern has a file, in dependency order: errors -> conversion -> CBOR guard
-> configure -> CclLib -> batch driver -> namespaces, one file per namespace named as users type
it (``lib.wallet`` is ``core/lib/wallet.pyx``). Every extern lives in ``includes/``.
"""

cimport cython
from cpython.exc cimport PyErr_CheckSignals
from cpython.object cimport PyTypeObject
from cpython.ref cimport Py_INCREF, PyObject
from cpython.unicode cimport PyUnicode_DecodeUTF8
from libc.limits cimport INT_MAX, INT_MIN
from libc.stdlib cimport calloc, free
from libc.string cimport memset

from ccl._args cimport is_int, network_ordinal, soft_index, thread_count, utf8_view
cimport ccl.includes.libccl as libccl
from ccl.includes.hd cimport HD_HARDENED
from ccl.includes.libccl cimport CCL_SUCCESS
from ccl.includes.pyapi cimport PyDescr_NewGetSet, PyGetSetDef
from ccl.includes.runtime cimport *

import functools
import itertools
import json
import os
import re

from ccl.network import Network

__all__ = ["CclLib", "CclError", "CclClosedError", "Account", "Address", "Crypto", "Transaction",
           "Plutus", "Script", "Governance", "Wallet", "QuickTx", "configure",
           "EXPECTED_LIB_VERSION"]

include "core/errors.pyx"
include "core/convert.pyx"
include "core/cbor.pyx"
include "core/configure.pyx"
include "core/cclib.pyx"
include "core/batch.pyx"
include "core/aio.pyx"
include "core/namespace.pyx"
include "core/lib/account.pyx"
include "core/lib/address.pyx"
include "core/lib/crypto.pyx"
include "core/lib/tx.pyx"
include "core/lib/plutus.pyx"
include "core/lib/script.pyx"
include "core/lib/gov.pyx"
include "core/lib/wallet.pyx"
include "core/lib/quicktx.pyx"
