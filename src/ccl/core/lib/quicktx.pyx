# lib.quicktx: the QuickTx namespace (offline transaction building from a TxPlan).

cdef tuple _chain_data(utxos, protocol_params, exec_units):
    """QuickTx's chain data as the JSON texts libccl takes, CBOR fields checked."""
    utxos_json = _json_dumps(utxos)
    _check_nested(utxos, utxos_json, "utxos")
    pp_json = _json_dumps(protocol_params)
    _check_nested(protocol_params, pp_json, "protocol_params")
    exec_json = None
    if exec_units is not None:
        exec_json = _json_dumps(exec_units)
        _check_nested(exec_units, exec_json, "exec_units")
    return utxos_json, pp_json, exec_json


# YAML 1.1 (libccl's parser and PyYAML) reads JSON text as the same document, so a dict plan is
# sent as JSON (about 50x cheaper to produce than PyYAML's C dumper output) whenever JSON and YAML
# agree on every scalar in it (convert.pyx's _plain with yaml=True). Where they could differ, the
# YAML dumper is used as before: strings outside printable ASCII (escapes), floats without a '.'
# ("1e-07" is a string in YAML 1.1) or not finite, non-str keys, tuples and any other type (the
# YAML dumper's own error, unchanged).


cdef class QuickTx(_Namespace):
    """Builds unsigned transactions from a CCL TxPlan, fully offline.

    The caller supplies chain data (UTXOs, protocol parameters, optionally execution units);
    nothing is fetched or submitted. ``build_with`` composes a provider with ``build``.
    """

    cdef object _plan_text(self, txplan):
        if isinstance(txplan, dict):
            if _plain(txplan, True):
                return _plain_json(txplan)
            yaml = _yaml()
            return yaml.dump(txplan, Dumper=getattr(yaml, "CSafeDumper", yaml.SafeDumper),
                             sort_keys=False)
        return txplan

    cdef ccl_req _build_req(self, utxos_json, pp_json, exec_units_json) except *:
        cdef ccl_req r
        _req(&r, CCL_E_quicktx_build, 0)
        r.utxos = _cstr(utxos_json, "utxos")
        r.params = _cstr(pp_json, "protocol_params")
        if exec_units_json is not None:
            r.exec_units = _cstr(exec_units_json, "exec_units")
        return r

    def build(self, txplan_yaml, utxos, protocol_params, exec_units=None):
        """Build an unsigned transaction. ``txplan_yaml`` is TxPlan YAML text or a dict (sent as
        JSON, which YAML reads as the same document, or else dumped with PyYAML's C dumper).
        Returns dict with tx_cbor, tx_hash, fee."""
        plan = self._plan_text(txplan_yaml)
        _check_nested(txplan_yaml, plan, "txplan_yaml")
        utxos_json, pp_json, exec_json = _chain_data(utxos, protocol_params, exec_units)
        cdef ccl_req r = self._build_req(utxos_json, pp_json, exec_json)
        r.input = _cstr(plan, "txplan_yaml")
        return _ns_call(self, &r, K_YAML, None)

    def build_many(self, plans, utxos, protocol_params, exec_units=None, *, threads=None,
                   errors="raise", progress=None, cancel=None):
        """``build`` for many plans over the same chain data, across native threads."""
        texts = []
        for k, p in enumerate(plans):
            texts.append(self._plan_text(p))
            _check_nested(p, texts[k], f"plans[{k}]")
        utxos_json, pp_json, exec_json = _chain_data(utxos, protocol_params, exec_units)
        cdef ccl_req r = self._build_req(utxos_json, pp_json, exec_json)
        return _many(self._b, &r, texts, ITEM_INPUT, K_YAML, None,
                     _batch_options(threads, errors, progress, cancel))

    def build_with(self, txplan_yaml, provider, sender, evaluator=None):
        """Fetch chain data from ``provider`` (and execution units from ``evaluator``, as a
        draft -> evaluate -> rebuild two-pass), then build. Without an evaluator libccl computes
        the units offline (Scalus)."""
        utxos = provider.utxos(sender)
        protocol_params = provider.protocol_params()
        exec_units = None
        if evaluator is not None:
            draft = self.build(txplan_yaml, utxos, protocol_params)
            exec_units = evaluator.evaluate(draft["tx_cbor"], utxos)
        return self.build(txplan_yaml, utxos, protocol_params, exec_units)
