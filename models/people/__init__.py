"""Pupils, guardians and accounts: the class list and its changes, guardians and
consents, logins and passwords, diary credentials, SSH keys."""
