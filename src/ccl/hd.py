"""Fast CIP-1852 HD address engine: bulk Shelley addresses from a mnemonic or an ``acct_xvk``.

What it is
----------
A small C engine (``native/hd/``, on libsodium) that derives Cardano wallet keys along
``m/1852'/1815'/account'/role/index`` (BIP32-Ed25519 V2; Icarus, Ledger or Icarus-Trezor master
key) and encodes base, enterprise and reward addresses, with the GIL released and the work split
over threads. It gives the same addresses as libccl's ``lib.account.from_mnemonic`` (checked
against libccl, pycardano and published vectors in ``tests/test_hd*.py``), only much faster:

================================  ==========================================================
libccl (``ccl.CclLib``)           ~90 ms per call: one mnemonic, one address index, a JSON dict
``ccl.hd``                        a few ms mnemonic -> account key, then ~100k addresses/s
                                  per core (HD engine v2: 9.5 us per watch-only address on
                                  one core, 2026-12-07) from an ``acct_xvk`` or an
                                  ``AccountKey``
================================  ==========================================================

When to use it
--------------
* Use **ccl.hd** to list, scan or index many addresses of an account: gap-limit scans, watch-only
  wallets from an ``acct_xvk`` (no mnemonic on the machine), pre-computing address tables,
  checking whether an address belongs to a wallet.
* Use **libccl** for everything that is not address derivation (building and signing
  transactions, scripts, governance, providers) and when you want the reference implementation
  itself. The engine does not sign; it knows the CIP-1852 payment (role 0/1) and stake (role 2,
  index 0) keys and the CIP-105 governance keys (DRep role 3, committee cold 4 and hot 5, index
  0: :meth:`AccountPublicKey.drep_key` & co., in the shape of libccl's ``gov.*``).
* ``find(address)`` is the reverse lookup (which role and index produced an address), and
  :func:`address_key_hashes` reads the key hashes back out of addresses
  (:func:`address_credentials`: every CIP-0019 type, script and key credentials, pointers).
* To double-check the engine against libccl on your own data, pass ``verify=lib`` to
  :meth:`AccountKey.addresses` (the key must be created with ``keep_mnemonic_for_verify=True``):
  the first, the last and a few random indices are re-derived through libccl and any difference
  raises :class:`VerificationError`.

Usage
-----
>>> from ccl import Network
>>> from ccl.hd import AccountKey
>>> with AccountKey.from_mnemonic(words, account_index=0) as key:       # doctest: +SKIP
...     xvk = key.public_key().to_bech32()                           # "acct_xvk1..."
...     first = key.addresses(Network.MAINNET, start=0, count=20)
>>> pub = AccountPublicKey.from_bech32(xvk)                            # doctest: +SKIP
>>> for addr in pub.iter_addresses(Network.PREPROD, count=1_000_000):  # doctest: +SKIP
...     ...

``network`` is a :class:`ccl.Network` or its CCL ordinal 0..3 (0 mainnet, 1 testnet, 2 preprod,
3 preview; see :mod:`ccl.network`), *not* the on-chain network id. ``role`` is 0 (external) or
1 (internal/change); ``kind`` is ``"base"`` (payment key + the account's stake key m/.../2/0) or
``"enterprise"``. Indices are soft: 0 .. 2**31-1.

Mnemonics are str or UTF-8 bytes of 9, 12, 15, 18, 21 or 24 English words (:data:`WORD_COUNTS`),
BIP-39-normalised (NFKD, lower case, any whitespace between words); a rejected one raises
:class:`MnemonicError` (a ``ValueError`` and an :class:`HdError`, the base class of the errors
ccl.hd raises about inputs and checks) whose message and ``reason`` say why (unknown word and
its position, word count, checksum), never which word. The passphrase is any bytes (CIP-0003; a
str stands for its UTF-8 bytes as typed). ``AccountKey.from_mnemonic(..., derivation=...)`` picks
the master-key algorithm of :data:`DERIVATIONS`: ``"icarus"`` (the default, what libccl and the
software wallets use), ``"ledger"`` (Ledger and BitBox02) or ``"icarus-trezor"`` (Trezor).

Secrets
-------
Entropy, master key and account private key exist only in C buffers: intermediates are wiped with
``sodium_memzero``, the account key lives in ``sodium_malloc`` memory (guard pages, locked where
the OS allows) and :meth:`AccountKey.close` (or leaving its ``with`` block) wipes it; afterwards
every use raises ``ValueError("AccountKey is closed")``. ``repr()`` and error messages never show
mnemonic words or key bytes. The mnemonic ``str`` you pass in is yours: Python cannot wipe it.
"""

from ccl._hd import (
    DERIVATIONS,
    KINDS,
    MAX_INDEX,
    MAX_THREADS,
    ROLES,
    STAKE_ROLE,
    WORD_COUNTS,
    AccountKey,
    AccountPublicKey,
    HdError,
    MnemonicError,
    VerificationError,
    address_credentials,
    address_key_hashes,
    normalize_mnemonic,
    public_key_from_xsk,
)

__all__ = [
    "AccountKey",
    "AccountPublicKey",
    "HdError",
    "MnemonicError",
    "VerificationError",
    "MAX_INDEX",
    "MAX_THREADS",
    "ROLES",
    "STAKE_ROLE",
    "KINDS",
    "WORD_COUNTS",
    "DERIVATIONS",
    "address_credentials",
    "address_key_hashes",
    "normalize_mnemonic",
    "public_key_from_xsk",
]
