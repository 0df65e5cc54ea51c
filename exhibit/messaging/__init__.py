"""Telling people what happened: one outbox of messages (email, Zalo ZNS, SMS brandname)
written in the transaction of the change that causes them and sent once it has committed."""
