"""The append-only audit log: who read or changed which case, when and from where."""
