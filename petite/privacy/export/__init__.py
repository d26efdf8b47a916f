"""The complete export of a member's data (U3; GDPR Art. 15 and 20), read only from the registry.

For every declaration, the rows :meth:`Declaration.queryset_for` selects are
streamed (``iterator(chunk_size=...)``) into one ZIP archive:

``data.json``
    Machine-readable. Every declared model with, for each record, its primary key
    and every field declared ``Personal``; every model and every field carries its
    category, its purposes with their legal basis, retention and recipients. The
    JSON is written to the archive piece by piece, one record at a time.
``index.html``
    The same data for people: self-contained (inline CSS, no script, no external
    asset), in the member's language, grouped by purpose and by the situation in
    which the data was collected. Rendered one chunk of rows at a time into a
    temporary file, then copied into the archive (a ZIP can only write one entry
    at a time).
``files/``
    The member's uploads: every ``FileField`` declared ``Personal``; and under
    ``files/stores/<store key>/``, the member's files in the file stores declared to
    :mod:`petite.privacy.stores` that say whose files are whose (``owned_by``)
    and are ``exported``.

What is left out, and why:

- *Technical fields* (declared as saying nothing new about the member), except
  the primary key that identifies each record. A file field declared technical
  (the archive of an earlier export, a copy of the rest) stays out too.
- *Secrets*: a credential (category ``CREDENTIALS``: password hash, two-factor
  secret, confirmation key) is exported as "set" or "not set". A leaked archive
  must not let anyone sign in as the member. Dates, flags and fixed choices in
  that category cannot hold a secret and are exported as they are.
- *Other members* (Art. 20(4): the copy must not adversely affect the rights of
  others). A relation to the member model that points to someone other than the
  member is exported as ``"another member"``, never as their id; the member
  themself appears as ``"self"``. Whatever a model decides the member may know
  of the other party (a display name shown to them) is its own declared field.

``data.json`` is the format for programs: its keys and tokens ("self",
"another member", ``{"set": true}``) are English and stable, while names and
labels (purposes, categories, fields) are in the member's language, like the page.
Dates and times are ISO 8601 in both, in local time on the page.

Memory stays flat as the member's data grows: rows are fetched in chunks, each
chunk is written out before the next is read, and the only thing kept per
upload is one line in a temporary file.

One import surface for three modules: :mod:`.values` (which fields, how a value
reads), :mod:`.archive` (writing the ZIP) and :mod:`.page` (the page for people).
"""

from __future__ import annotations

from .archive import CHUNK_SIZE, FORMAT, VERSION, Progress, Summary, write_archive
from .page import PurposeOverview
from .values import (
    ANOTHER_MEMBER,
    SELF,
    Converter,
    ExportedField,
    Kind,
    Scope,
    Section,
    convert,
    converter,
    exported_fields,
    is_secret,
    plan,
    purposes_used,
    readable,
    section_metadata,
)

__all__ = [
    "ANOTHER_MEMBER",
    "CHUNK_SIZE",
    "FORMAT",
    "SELF",
    "VERSION",
    "Converter",
    "ExportedField",
    "Kind",
    "Progress",
    "PurposeOverview",
    "Scope",
    "Section",
    "Summary",
    "convert",
    "converter",
    "exported_fields",
    "is_secret",
    "plan",
    "purposes_used",
    "readable",
    "section_metadata",
    "write_archive",
]
