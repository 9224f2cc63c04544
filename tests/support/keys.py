"""Account public keys of the fixed phrases, derived by ccl.hd at run time (the ``xvk``
fixture of conftest.py, and tests that need other accounts or passphrases)."""


def account_xvk(mnemonic, account=0, passphrase=""):
    """The ``acct_xvk1...`` of ``mnemonic``'s ``account`` (with ``passphrase``)."""
    from ccl.hd import AccountKey

    with AccountKey.from_mnemonic(mnemonic, account, passphrase) as key:
        return key.public_key().to_bech32()
