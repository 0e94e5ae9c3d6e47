"""The API's JSON parser: any body that is not JSON the API can read is a 400, never a 500."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from rest_framework import parsers
from rest_framework.exceptions import ParseError


class JSONParser(parsers.JSONParser):
    """DRF's parser, plus a 400 for JSON nested deeper than Python's recursion limit.

    ``json.loads`` raises ``RecursionError`` (not ``ValueError``) for a body such as ``[[[[...]]]]``
    a few thousand levels deep; DRF only turns ``ValueError`` into a parse error.
    """

    def parse(self, stream, media_type=None, parser_context=None):
        try:
            return super().parse(stream, media_type, parser_context)
        except RecursionError:
            raise ParseError(_("JSON 嵌套层数过多。")) from None
