"""Reference backend: a deposit-address service on Starlette, served by uvicorn, over ccl.

Hands out watch-only deposit addresses from an ``acct_xvk`` (no mnemonic on the server), validates
and inspects addresses, hashes and builds transactions, and derives an account from a mnemonic
posted in the body (the slow call). The same app comes in three variants, to compare how ccl's
calls meet the event loop (benchmarks/harness/groups/backend.py drives them with wrk):

* ``aio``    -- ``await`` on ``ccl.aio.AsyncCclLib``: slow calls on ccl's native workers, fast
  ones inline (``CCL_SERVICE_SLOW_WORKERS=N``: the derivations, ``POST /derive``, on a slow
  lane of N threads, so they never hold the workers ``POST /tx/build`` needs;
  ``CCL_SERVICE_WORKERS``: the other lane's threads);
* ``thread`` -- ``await asyncio.to_thread(sync_call)`` for every call;
* ``sync``   -- the sync call right in the handler (blocks the loop for its whole duration).

Errors: invalid input is HTTP 422 (wrong type, range, missing field) or 400 (libccl refused it),
as JSON ``{"error": ..., "field": ...}`` naming the field; never a 500, never a secret (the
mnemonic is never logged or echoed: ccl's error messages redact it, and this app adds nothing).

Run: ``CCL_SERVICE_VARIANT=aio CCL_SERVICE_XVK=acct_xvk1... uvicorn --factory app:app_from_env``
(from this folder).
"""

import asyncio
import contextlib
import json
import os

from starlette.applications import Starlette
from starlette.responses import JSONResponse
from starlette.routing import Route

import ccl
import ccl.aio
import ccl.hd

MAX_COUNT = 1000  # addresses per GET /addresses request
NETWORKS = {
    "mainnet": ccl.Network.MAINNET,
    "testnet": ccl.Network.TESTNET,
    "preprod": ccl.Network.PREPROD,
    "preview": ccl.Network.PREVIEW,
}


class BadInput(Exception):
    def __init__(self, field, message, status=422):
        super().__init__(message)
        self.field, self.message, self.status = field, message, status


def _int(value, field, lo, hi):
    try:
        n = int(value)
    except (TypeError, ValueError):
        raise BadInput(field, f"{field} must be an integer") from None
    if not lo <= n <= hi:
        raise BadInput(field, f"{field} must be in [{lo}, {hi}]")
    return n


def _network(value):
    if value not in NETWORKS:
        raise BadInput("network", f"network must be one of {sorted(NETWORKS)}")
    return NETWORKS[value]


async def _body(request, *fields):
    try:
        body = json.loads(await request.body())
    except ValueError:
        raise BadInput("body", "the body must be a JSON object") from None
    if not isinstance(body, dict):
        raise BadInput("body", "the body must be a JSON object")
    for f in fields:
        if f not in body:
            raise BadInput(f, f"{f} is required")
    return body


def make_app(variant="aio", acct_xvk=None, network="testnet", workers=None, slow_workers=None):
    """The app for one variant; ``acct_xvk`` is the account public key addresses come from;
    ``workers`` and ``slow_workers`` are ``AsyncCclLib``'s (aio only; None: its defaults)."""
    if variant not in ("aio", "thread", "sync"):
        raise ValueError(f"variant must be aio, thread or sync, not {variant!r}")
    sync_lib = ccl.CclLib()
    alib = None
    if variant == "aio":
        sizes = {"workers": workers, "slow_workers": slow_workers}
        alib = ccl.aio.AsyncCclLib(**{k: v for k, v in sizes.items() if v is not None})
    pub = ccl.hd.AccountPublicKey.from_bech32(acct_xvk) if acct_xvk else None
    net = _network(network)

    async def call(ns, method, *args, field):
        """One ccl call the variant's way; a refusal becomes BadInput naming ``field``."""
        try:
            if alib is not None:
                return await getattr(getattr(alib, ns), method)(*args)
            fn = getattr(getattr(sync_lib, ns), method)
            if variant == "thread":
                return await asyncio.to_thread(fn, *args)
            return fn(*args)
        except (TypeError, ValueError) as e:
            raise BadInput(field, str(e)) from None
        except ccl.CclError as e:
            raise BadInput(field, e.message or f"libccl error {e.code}", 400) from None

    def addresses(start, count):
        if pub is None:
            raise BadInput("acct_xvk", "this server was started without an acct_xvk", 400)
        return pub.addresses(net, start, count, threads=1)

    async def address_at(request):
        index = _int(request.path_params["index"], "index", 0, 2**31 - 1)
        return JSONResponse({"index": index, "address": addresses(index, 1)[0]})

    async def address_range(request):
        start = _int(request.query_params.get("start", "0"), "start", 0, 2**31 - 1)
        count = _int(request.query_params.get("count", "10"), "count", 1, MAX_COUNT)
        if start + count > 2**31:
            raise BadInput("count", "start + count must stay below 2**31")
        return JSONResponse({"start": start, "addresses": addresses(start, count)})

    async def validate(request):
        body = await _body(request, "address")
        addr = body["address"]
        if not isinstance(addr, str):
            raise BadInput("address", "address must be a string")
        ok = await call("address", "validate", addr, field="address")
        info = await call("address", "info", addr, field="address") if ok else None
        return JSONResponse({"valid": ok, "info": info})

    async def tx_hash(request):
        body = await _body(request, "tx_cbor")
        h = await call("tx", "hash", body["tx_cbor"], field="tx_cbor")
        return JSONResponse({"tx_hash": h})

    async def tx_build(request):
        body = await _body(request, "plan", "utxos", "protocol_params")
        built = await call(
            "quicktx", "build", body["plan"], body["utxos"], body["protocol_params"], field="plan"
        )
        return JSONResponse(built)

    async def derive(request):
        body = await _body(request, "mnemonic")
        index = _int(body.get("index", 0), "index", 0, 2**31 - 1)
        n = _network(body.get("network", network))
        acct = await call(
            "account", "from_mnemonic", body["mnemonic"], n, 0, index, field="mnemonic"
        )
        # Only public data leaves the server.
        return JSONResponse(
            {k: acct[k] for k in ("base_address", "enterprise_address", "stake_address")}
        )

    async def health(request):
        # No ccl call: what uvicorn + Starlette alone cost per request (the benchmark's ceiling).
        return JSONResponse({"status": "ok"})

    async def bad_input(request, exc):
        return JSONResponse({"error": exc.message, "field": exc.field}, status_code=exc.status)

    async def anything_else(request, exc):
        # Never a 500 with a traceback: the request is refused, nothing of it is echoed.
        return JSONResponse(
            {"error": "the request could not be processed", "field": None}, status_code=400
        )

    @contextlib.asynccontextmanager
    async def lifespan(app):
        yield
        if alib is not None:
            await alib.aclose()  # calls in flight finish; nothing is left queued

    return Starlette(
        routes=[
            Route("/addresses/{index}", address_at),
            Route("/addresses", address_range),
            Route("/address/validate", validate, methods=["POST"]),
            Route("/tx/hash", tx_hash, methods=["POST"]),
            Route("/tx/build", tx_build, methods=["POST"]),
            Route("/derive", derive, methods=["POST"]),
            Route("/health", health),
        ],
        exception_handlers={BadInput: bad_input, Exception: anything_else},
        lifespan=lifespan,
    )


def app_from_env():
    def count(name):
        value = os.environ.get(name)
        return int(value) if value else None

    return make_app(
        os.environ.get("CCL_SERVICE_VARIANT", "aio"),
        os.environ.get("CCL_SERVICE_XVK"),
        os.environ.get("CCL_SERVICE_NETWORK", "testnet"),
        count("CCL_SERVICE_WORKERS"),
        count("CCL_SERVICE_SLOW_WORKERS"),
    )
