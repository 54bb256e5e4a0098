"""The store and the rules every service follows: the database binding, the schema,
the shape of a service (one transaction, the account checked as it is now), errors,
access rules, the audit trail, the clock, settings, validation, migrations."""
