"""E-invoice provider adapters: the small interface a provider's API (Viettel S-Invoice, VNPT,
MISA meInvoice…) is plugged in through, so an invoice request can be sent to it and the invoice
it issues recorded (documents/invoicing.submit_to_provider).

An adapter has a ``name`` and ``submit(record) -> ProviderResult``: ``record`` is one request in
the provider-neutral export layout (invoicing.export_record: seller, buyer, lines, totals,
``request_key`` to give the provider as its idempotency key); the result is the invoice's
number, symbol and lookup code, which are checked like typed ones. An adapter raises
:class:`ProviderError` when the provider refuses or cannot be reached; nothing is recorded then.

Adapters are registered by name (:func:`register`); the configuration key ``EINVOICE_PROVIDER``
names the one in use ("" — the default — means none: organisers export files and type the
numbers). No provider ships with exhibit yet, and the tests register a local one of their own
(tests/documents/test_invoice_requests.py); no real provider is called in tests.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from flask import current_app
from flask_babel import gettext as _

from exhibit.core.errors import AppError

CONFIG_KEY = "EINVOICE_PROVIDER"


@dataclass(frozen=True)
class ProviderResult:
    """What a provider returns for an issued invoice."""
    number: str
    symbol: str
    lookup_code: str = ""


class ProviderError(AppError):
    """The provider refused the request or could not be reached: try again later."""
    status = 502
    code = "provider_error"


class EInvoiceProvider(Protocol):
    name: str

    def submit(self, record: dict) -> ProviderResult:
        """Issue the invoice ``record`` describes; the same ``request_key`` twice must give
        the same invoice (the provider's idempotency)."""


_REGISTRY: dict[str, type] = {}


def register(name: str):
    """Class decorator: ``@register("viettel")`` makes the adapter choosable by that name."""
    def decorate(cls):
        _REGISTRY[name] = cls
        cls.name = name
        return cls
    return decorate


def registered() -> list[str]:
    return sorted(_REGISTRY)


def configured_name() -> str:
    return str(current_app.config.get(CONFIG_KEY) or "")


def configured() -> EInvoiceProvider:
    """An instance of the configured adapter (made with the app's configuration)."""
    name = configured_name()
    cls = _REGISTRY.get(name)
    if cls is None:
        raise ProviderError(_("No e-invoice provider is configured."), code="no_provider")
    return cls(current_app.config)
