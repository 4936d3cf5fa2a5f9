"""`{% kept "name" key ... %} ... {% endkept %}`: a part of a page that is the same for everybody
who may see it, rendered once per change of the data and kept (miqua/audit/read_cache.py: the
reader's scope, the language, the day and the data's version are in the key besides the name
and keys given).

For the long tables of a page (a loan's schedule and payments, its schedule versions): their
rendering cost more than everything else on the page. Only for markup that depends on nothing
but the keys and the data: never around a form, a CSRF token or what the user's rights decide.
"""

from django import template
from django.template.base import FilterExpression, NodeList, Parser, Token
from django.template.context import Context
from django.utils import timezone
from django.utils.safestring import SafeString

from ..read_cache import cached_read

register = template.Library()


class KeptNode(template.Node):
    def __init__(self, nodelist: NodeList, name: FilterExpression, keys: list[FilterExpression]):
        self.nodelist = nodelist
        self.name = name
        self.keys = keys

    def render(self, context: Context) -> SafeString:
        name = self.name.resolve(context)
        keys = tuple(str(key.resolve(context)) for key in self.keys)
        return cached_read(
            f"fragment:{name}",
            lambda: self.nodelist.render(context),
            day=timezone.localdate(),
            parts=keys,
        )


@register.tag
def kept(parser: Parser, token: Token) -> KeptNode:
    bits = token.split_contents()
    if len(bits) < 2:
        raise template.TemplateSyntaxError('{% kept %} needs a name: {% kept "name" key ... %}')
    nodelist = parser.parse(("endkept",))
    parser.delete_first_token()
    return KeptNode(
        nodelist, parser.compile_filter(bits[1]), [parser.compile_filter(b) for b in bits[2:]]
    )
