# Included by src/ccl/_hd.pyx. The reverse lookup behind AccountKey/AccountPublicKey.find_many.

def _find(derive, stake_address, addresses, roles, start, limit, chunk):
    """Reverse lookup shared by AccountKey and AccountPublicKey.find_many: derive(net, role,
    kind, start, count) gives engine addresses. Returns {address: (role, index)} for the found
    ones; scans each role from start for limit indices, stopping once every address is found."""
    if isinstance(addresses, str):
        raise TypeError("addresses must be an iterable of str (use find() for one address)")
    addresses = list(addresses)
    roles = tuple(roles)
    for r in roles:
        _role(r)
    start = as_int(start, "start")
    limit = as_int(limit, "limit")
    if limit < 1:
        raise ValueError(f"limit must be >= 1, got {limit}")
    if not 0 <= start <= MAX_INDEX:
        raise ValueError(f"start must be in 0..2**31-1, got {start}")
    limit = min(limit, MAX_INDEX - start + 1)
    chunk = as_int(chunk, "chunk")
    if chunk < 1:
        raise ValueError(f"chunk must be >= 1, got {chunk}")
    found = {}
    groups = {}   # (network ordinal, kind) -> set of addresses still looked for
    aliases = {}  # enterprise address -> the type-2/4 addresses with its payment key
    for a in addresses:
        data = _address_payload(a)
        t, net_id = data[0] >> 4, data[0] & 0x0F
        # testnet, preprod and preview share network id 0 and HRP addr_test: same strings.
        net = 0 if net_id == 1 else 2
        if t == 14 and len(data) == 29:
            if a == stake_address(net):
                found[a] = (STAKE_ROLE, 0)
            continue
        if t == 0 and len(data) == 57:
            kind = "base"
            # A base address of this account carries the account's stake key hash: any other
            # stake part cannot come from it, whatever the index.
            own = _address_payload(stake_address(net))[1:29]
            if data[29:57] != own:
                continue
        elif t == 6 and len(data) == 29:
            kind = "enterprise"
        elif t in (2, 4) and len(data) >= 29:
            # A payment key with a script stake part or a pointer: the account's payment key
            # if its enterprise address (header 0x60 | network id, the same key hash) is.
            kind = "enterprise"
            twin = _bech32("addr" if net_id == 1 else "addr_test",
                           bytes([0x60 | net_id]) + data[1:29])
            aliases.setdefault(twin, []).append(a)
            groups.setdefault((net, kind), set()).add(twin)
            continue
        else:
            continue
        groups.setdefault((net, kind), set()).add(a)
    for (net, kind), wanted in groups.items():
        for r in roles:
            pos, end = start, start + limit
            while pos < end and wanted:
                n = min(chunk, end - pos)
                for k, a in enumerate(derive(net, r, kind, pos, n)):
                    if a in wanted:
                        found[a] = (r, pos + k)
                        wanted.discard(a)
                pos += n
    for twin, originals in aliases.items():
        if twin in found:
            for a in originals:
                found[a] = found[twin]
    given = set(addresses)
    return {a: p for a, p in found.items() if a in given}
