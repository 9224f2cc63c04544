"""The network selector passed to key-derivation and signing calls.

``Network`` values are **CCL's own enum ordinals**, *not* Cardano's on-chain network id. For
mainnet and testnet the two are inverted:

=============== ============================= ==================================
Member          CCL ordinal (what you pass)   Cardano on-chain ``network_id``
=============== ============================= ==================================
``MAINNET``     0                             **1**
``TESTNET``     1                             **0**
``PREPROD``     2                             0 (a testnet)
``PREVIEW``     3                             0 (a testnet)
=============== ============================= ==================================

The real on-chain id is what ``lib.address.info(addr)["network_id"]`` reports; never feed it back
into a ``network`` parameter, or mainnet and testnet swap places.

``Network`` is an :class:`enum.IntEnum`, so a plain ``int`` in 0-3 works anywhere a ``Network``
does, and anything else is rejected before a native call is made.
"""

from enum import IntEnum

__all__ = ["Network", "ON_CHAIN_ID", "BY_NAME"]


class Network(IntEnum):
    """CCL network ordinals. These are NOT on-chain network ids (see the module docstring)."""

    MAINNET = 0
    TESTNET = 1
    PREPROD = 2
    PREVIEW = 3


#: Cardano's on-chain network id for each CCL ordinal (what address headers carry).
ON_CHAIN_ID = {Network.MAINNET: 1, Network.TESTNET: 0, Network.PREPROD: 0, Network.PREVIEW: 0}

#: The networks by the lower-case names the CLI's flags and ccl's files spell ("mainnet",
#: "testnet", "preprod", "preview"): one table for the CLI, its readers and writers.
BY_NAME = {n.name.lower(): n for n in Network}
