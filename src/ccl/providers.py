"""Optional chain-data providers and transaction evaluators for ``QuickTx.build_with``.

libccl is offline by design: ``quicktx.build`` takes UTXOs and protocol parameters from the caller.
These helpers fetch them over HTTP in the shapes ``build`` accepts, so the native library stays
provider-free. They use only the standard library (``urllib``), always with a bounded timeout, and
turn every transport or HTTP failure into :class:`ProviderError` (a ``RuntimeError``, as the
reference wrapper raised) naming the method, the URL path and the status, never the project id.

A provider implements ``utxos(address) -> list[dict]`` and ``protocol_params() -> dict``; an
evaluator implements ``evaluate(tx_cbor, utxos=None) -> [{"mem", "steps"}]``.
"""

import json
import socket
import urllib.error
import urllib.parse
import urllib.request

__all__ = [
    "ChainDataProvider",
    "YaciProvider",
    "BlockfrostProvider",
    "TransactionEvaluator",
    "BlockfrostEvaluator",
    "ProviderError",
    "EvaluationFormatError",
]

#: Seconds a single HTTP request may take, connect and read together, unless a caller overrides it.
DEFAULT_TIMEOUT = 30.0
#: Responses larger than this are refused rather than buffered without bound.
MAX_RESPONSE_BYTES = 64 * 1024 * 1024
#: Blockfrost serves UTXOs 100 to a page.
_PAGE = 100
#: BlockfrostProvider.utxos stops with a ProviderError past this many UTXOs (1,000 full pages)
#: unless the caller raises it: a server that never returns a short page must not loop forever
#: or hold an unbounded list in memory.
DEFAULT_MAX_UTXOS = 100_000
_BLOCKFROST_URLS = {
    "mainnet": "https://cardano-mainnet.blockfrost.io/api/v0",
    "preprod": "https://cardano-preprod.blockfrost.io/api/v0",
    "preview": "https://cardano-preview.blockfrost.io/api/v0",
}


class ProviderError(RuntimeError):
    """An HTTP provider or evaluator request failed. ``status`` is the HTTP status, or None for a
    transport failure (refused connection, timeout, malformed body)."""

    def __init__(self, message, status=None):
        super().__init__(message)
        self.status = status


class EvaluationFormatError(ProviderError, ValueError):
    """An evaluator's response has no shape ``parse_evaluation`` knows. Also a ValueError: the
    reference wrapper raised ValueError here, and code written for it catches that."""


def _request(method, url, *, body=None, headers=None, timeout=DEFAULT_TIMEOUT):
    req = urllib.request.Request(url, data=body, method=method, headers=headers or {})
    where = f"{method} {urllib.parse.urlsplit(url).path}"
    try:
        with urllib.request.urlopen(req, timeout=timeout) as resp:
            raw = resp.read(MAX_RESPONSE_BYTES + 1)
    except urllib.error.HTTPError as e:
        detail = e.read(2048).decode("utf-8", "replace").strip()
        raise ProviderError(f"{where} failed: HTTP {e.code}: {detail}", e.code) from None
    except (urllib.error.URLError, socket.timeout, TimeoutError, ConnectionError) as e:
        reason = getattr(e, "reason", e)
        raise ProviderError(f"{where} failed: {reason}") from None
    if len(raw) > MAX_RESPONSE_BYTES:
        raise ProviderError(f"{where} failed: response larger than {MAX_RESPONSE_BYTES} bytes")
    try:
        return json.loads(raw)
    except ValueError:
        raise ProviderError(f"{where} returned a body that is not JSON") from None
    except RecursionError:
        raise ProviderError(f"{where} returned JSON nested too deeply to parse") from None


# The HTTP layer, by the reference wrapper's names: providers and evaluators call these through the
# module's globals, so ``mock.patch("ccl.providers._http_get_json")`` (how the wrapper's tests and
# its users' tests stub the network) reaches every request.
def _http_get_json(url, headers=None, timeout=DEFAULT_TIMEOUT):
    """GET ``url`` and parse its JSON body (ProviderError on any failure)."""
    return _request("GET", url, headers=headers, timeout=timeout)


def _http_post_json(url, body, headers=None, timeout=DEFAULT_TIMEOUT):
    """POST ``body`` (bytes) to ``url`` and parse its JSON body (ProviderError on any failure)."""
    return _request("POST", url, body=body, headers=headers, timeout=timeout)


def _base_url(network, base_url):
    if base_url is not None:
        return base_url.rstrip("/")
    try:
        return _BLOCKFROST_URLS[network]
    except (KeyError, TypeError):
        raise ValueError(f"unknown network {network!r}; pass base_url explicitly") from None


class ChainDataProvider:
    """Interface for the chain data ``QuickTx.build`` needs."""

    def utxos(self, address):
        """All UTXOs at ``address`` as a list of dicts (CCL ``Utxo`` shape); no selection."""
        raise NotImplementedError

    def protocol_params(self):
        """Current protocol parameters as a dict (CCL ``ProtocolParams`` shape)."""
        raise NotImplementedError


class YaciProvider(ChainDataProvider):
    """Yaci DevKit / yaci-store (Blockfrost-style REST, already in ``build``'s shapes)."""

    DEFAULT_URL = "http://localhost:10000/local-cluster/api"

    def __init__(self, base_url=DEFAULT_URL, timeout=DEFAULT_TIMEOUT):
        self.base_url = base_url.rstrip("/")
        self.timeout = timeout

    def utxos(self, address):
        return _http_get_json(
            f"{self.base_url}/addresses/{urllib.parse.quote(address)}/utxos",
            timeout=self.timeout,
        )

    def protocol_params(self):
        return _http_get_json(f"{self.base_url}/epochs/parameters", timeout=self.timeout)


class BlockfrostProvider(ChainDataProvider):
    """Blockfrost API. Pages through UTXOs (100 per page) and fills in the owning address, which
    Blockfrost leaves out but ``build`` needs.

    ``max_utxos`` bounds the paging (ProviderError beyond it; None for no bound): an address with
    more UTXOs than that is better served by a selection the caller makes, and a server that keeps
    returning full pages must not loop forever.
    """

    def __init__(
        self,
        project_id,
        network="mainnet",
        base_url=None,
        timeout=DEFAULT_TIMEOUT,
        max_utxos=DEFAULT_MAX_UTXOS,
    ):
        if max_utxos is not None and (
            not isinstance(max_utxos, int) or isinstance(max_utxos, bool) or max_utxos < 1
        ):
            raise ValueError(f"max_utxos must be a positive int or None, got {max_utxos!r}")
        self.base_url = _base_url(network, base_url)
        self.timeout = timeout
        self.max_utxos = max_utxos
        self._headers = {"project_id": project_id}

    def __repr__(self):
        return f"BlockfrostProvider(base_url={self.base_url!r})"  # never the project id

    def utxos(self, address):
        out = []
        page = 1
        quoted = urllib.parse.quote(address)
        while True:
            items = _http_get_json(
                f"{self.base_url}/addresses/{quoted}/utxos?count={_PAGE}&page={page}",
                headers=self._headers,
                timeout=self.timeout,
            )
            if not isinstance(items, list) or not all(isinstance(u, dict) for u in items):
                raise ProviderError(
                    "GET /addresses/.../utxos returned something other than a list of UTXO objects"
                )
            for u in items:
                u.setdefault("address", address)
            out.extend(items)
            if len(items) < _PAGE:
                return out
            if self.max_utxos is not None and len(out) >= self.max_utxos:
                raise ProviderError(
                    f"GET /addresses/.../utxos: more than max_utxos={self.max_utxos} UTXOs "
                    f"({page} full pages and the server still has more); raise max_utxos "
                    "(or pass None) to fetch them all"
                )
            page += 1

    def protocol_params(self):
        # A superset of CCL's ProtocolParams; libccl ignores the fields it does not know.
        return _http_get_json(
            f"{self.base_url}/epochs/latest/parameters",
            headers=self._headers,
            timeout=self.timeout,
        )


class TransactionEvaluator:
    """Interface for computing a Plutus transaction's redeemer execution units remotely."""

    def evaluate(self, tx_cbor, utxos=None):
        """``[{"mem", "steps"}]``, one per redeemer in transaction order, for draft ``tx_cbor``."""
        raise NotImplementedError


# Redeemer tag order in a transaction: spend < mint < cert < reward < vote < propose.
_TAG_ORDER = {
    "spend": 0,
    "mint": 1,
    "cert": 2,
    "certificate": 2,
    "reward": 3,
    "withdraw": 3,
    "vote": 4,
    "propose": 5,
}


def _units(entry):
    budget = entry.get("budget", entry)
    return {
        "mem": budget.get("memory", budget.get("mem")),
        "steps": budget.get("steps", budget.get("cpu")),
    }


def _purpose_index(validator):
    if isinstance(validator, dict):
        return validator.get("purpose", ""), int(validator.get("index", 0))
    purpose, _, idx = str(validator).partition(":")
    return purpose, int(idx or 0)


def parse_evaluation(resp):
    """An Ogmios/Blockfrost EvaluateTx response as ``[{"mem","steps"}]`` in redeemer order.

    Accepts the map form (``{"spend:0": {"memory", "steps"}}``, older Ogmios and Blockfrost),
    optionally wrapped in ``result``/``EvaluationResult``, and the Ogmios v6 list form
    (``[{"validator": ..., "budget": {"memory", "cpu"}}]``). Anything else is a ProviderError.
    """
    result = resp.get("result", resp) if isinstance(resp, dict) else resp
    if isinstance(result, dict) and "EvaluationResult" in result:
        result = result["EvaluationResult"]
    if isinstance(result, dict) and ("EvaluationFailure" in result or "error" in result):
        raise ProviderError(f"evaluation failed: {json.dumps(result)[:500]}")
    rows = []
    try:
        if isinstance(result, dict):
            for key, val in result.items():
                purpose, idx = _purpose_index(key)
                rows.append((_TAG_ORDER.get(purpose, 99), idx, _units(val)))
        elif isinstance(result, list):
            for item in result:
                purpose, idx = _purpose_index(item.get("validator", item.get("redeemer", {})))
                rows.append((_TAG_ORDER.get(purpose, 99), idx, _units(item)))
        else:
            raise EvaluationFormatError(
                f"unrecognised evaluation response: {type(result).__name__}"
            )
    except EvaluationFormatError:
        raise
    except (AttributeError, TypeError, ValueError, OverflowError) as e:
        raise EvaluationFormatError(f"unrecognised evaluation response: {e}") from None
    rows.sort(key=lambda r: (r[0], r[1]))
    return [units for _, _, units in rows]


#: The reference wrapper's name for parse_evaluation (its tests import it).
_parse_evaluation = parse_evaluation


class BlockfrostEvaluator(TransactionEvaluator):
    """Remote evaluation through a Blockfrost-compatible ``/utils/txs/evaluate`` endpoint."""

    def __init__(self, project_id, network="mainnet", base_url=None, timeout=DEFAULT_TIMEOUT):
        self.base_url = _base_url(network, base_url)
        self.timeout = timeout
        self._headers = {"project_id": project_id, "Content-Type": "application/cbor"}

    def __repr__(self):
        return f"BlockfrostEvaluator(base_url={self.base_url!r})"

    def evaluate(self, tx_cbor, utxos=None):
        try:
            body = bytes.fromhex(tx_cbor)
        except (TypeError, ValueError):
            raise ValueError("tx_cbor must be a hex string") from None
        resp = _http_post_json(
            f"{self.base_url}/utils/txs/evaluate",
            body,
            headers=self._headers,
            timeout=self.timeout,
        )
        return parse_evaluation(resp)
