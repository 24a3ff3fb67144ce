"""The GOV.UK Design System components our pages repeat, as template tags: a page composes them rather than
copying their markup (as tamato's Jinja macros do).

    {% load govuk %}
    {% breadcrumbs crumbs %}                          a list of (label, url), Home first
    {% status_tag tag %}                              anything with .label and .css_class (a status module's tag)
    {% status_tag "Overdue" "govuk-tag--red" %}       or the words and the colour
    {% summary_row "Due date" change_url=url change_label="due date" %}{{ action.due_date|date }}{% endsummary_row %}
    {% summary_card "People" action_url=url action_text="Manage people" %}…rows…{% endsummary_card %}
    {% button_link "Add a theme" url %}               a link that looks like a button; "secondary" or "warning" after
    {% warning %}Every Board meeting already has a cycle.{% endwarning %}
    {% banner "Important" %}<p class="govuk-body">…</p>{% endbanner %}
    {% pagination page %}                             keeps the list's other query parameters

Every tag escapes what it is given, as the rest of the template does.
"""

from __future__ import annotations

from django import template
from django.http import QueryDict
from django.template.base import FilterExpression, Parser, Token
from django.template.loader import get_template
from django.utils.html import format_html

register = template.Library()


@register.inclusion_tag("includes/govuk/breadcrumbs.html")
def breadcrumbs(items) -> dict:
    return {"crumbs": list(items or [])}


@register.inclusion_tag("includes/pagination.html", takes_context=True)
def pagination(context, page, label: str = "Pagination") -> dict:
    # The include builds each link with `{% querystring query page=n %}` from this request's query, so filters and
    # sorting survive a change of page.
    request = context.get("request")
    return {"page": page, "label": label, "query": request.GET if request is not None else QueryDict()}


@register.simple_tag
def status_tag(tag_or_label, css_class: str = "") -> str:
    """A status in words, coloured by its kind: the words carry the meaning, the colour repeats it."""
    if tag_or_label is None or tag_or_label == "":
        return ""
    label = getattr(tag_or_label, "label", tag_or_label)
    css_class = getattr(tag_or_label, "css_class", css_class)
    classes = f"govuk-tag {css_class}" if css_class else "govuk-tag"
    return format_html('<strong class="{}">{}</strong>', classes, label)


class _BlockNode(template.Node):
    """A component whose body is the template between its tags."""

    template_name = ""

    def __init__(self, nodelist, args: list[FilterExpression], kwargs: dict[str, FilterExpression]):
        self.nodelist = nodelist
        self.args = args
        self.kwargs = kwargs

    def render(self, context) -> str:
        values = {
            "body": self.nodelist.render(context),
            "args": [arg.resolve(context) for arg in self.args],
            **{name: value.resolve(context) for name, value in self.kwargs.items()},
        }
        return get_template(self.template_name).render({**values, **self.more_context(values)})

    def more_context(self, values: dict) -> dict:
        return {}


def _parse_block(parser: Parser, token: Token, node_class: type[_BlockNode]) -> _BlockNode:
    bits = token.split_contents()
    name = bits[0]
    args, kwargs = [], {}
    for bit in bits[1:]:
        key, sep, value = bit.partition("=")
        if sep and key.isidentifier():
            kwargs[key] = parser.compile_filter(value)
        else:
            args.append(parser.compile_filter(bit))
    nodelist = parser.parse((f"end{name}",))
    parser.delete_first_token()
    return node_class(nodelist, args, kwargs)


@register.simple_tag
def button_link(text, url, kind: str = "", hidden: str = "") -> str:
    """A link drawn as a button (GOV.UK's "start" and "secondary" buttons that go to another page): `kind` is
    "secondary", "warning" or nothing; `hidden`, words read out after the text by screen readers only (for example
    "for Learning and Improvement Subgroup")."""
    css_class = f"govuk-button govuk-button--{kind}" if kind else "govuk-button"
    more = format_html(' <span class="govuk-visually-hidden">{}</span>', str(hidden).strip()) if hidden else ""
    return format_html(
        '<a href="{}" class="{}" role="button" draggable="false" data-module="govuk-button">{}{}</a>',
        url,
        css_class,
        text,
        more,
    )


class SummaryRowNode(_BlockNode):
    template_name = "includes/govuk/summary_row.html"

    def more_context(self, values: dict) -> dict:
        return {"key": values["args"][0] if values["args"] else ""}


class SummaryCardNode(_BlockNode):
    template_name = "includes/govuk/summary_card.html"

    def more_context(self, values: dict) -> dict:
        return {"title": values["args"][0] if values["args"] else ""}


class WarningNode(_BlockNode):
    template_name = "includes/govuk/warning.html"


class BannerNode(_BlockNode):
    template_name = "includes/govuk/banner.html"

    def more_context(self, values: dict) -> dict:
        return {"title": values["args"][0] if values["args"] else "Important"}


@register.tag
def summary_row(parser: Parser, token: Token) -> SummaryRowNode:
    """A summary list row: its key, the value between the tags, and a "Change" link where the person may edit
    (`change_url`, with `change_label` read out after "Change")."""
    return _parse_block(parser, token, SummaryRowNode)


@register.tag
def summary_card(parser: Parser, token: Token) -> SummaryCardNode:
    """A summary card: a titled summary list (its rows between the tags), with one action link in its title bar
    where the person may use it (`action_url`; `action_text`, "Change" unless given; `action_hidden`, read out after
    the text to say what it acts on)."""
    return _parse_block(parser, token, SummaryCardNode)


@register.tag
def warning(parser: Parser, token: Token) -> WarningNode:
    """Warning text: something the person must know before going on."""
    return _parse_block(parser, token, WarningNode)


@register.tag
def banner(parser: Parser, token: Token) -> BannerNode:
    """An important notification banner (success banners come from messages: includes/messages.html)."""
    return _parse_block(parser, token, BannerNode)
