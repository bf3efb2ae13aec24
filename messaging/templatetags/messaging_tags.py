"""``{% case_conversation case %}``: the conversation section of the console case page.

The tag records the staff read (VIEW of messaging.conversation) before rendering, so
the case page needs no other code. Use it only after the page's own access check.
"""

from django import template
from django.template.loader import render_to_string

register = template.Library()


@register.simple_tag(takes_context=True)
def case_conversation(context, case):
    from messaging.views_staff import staff_context

    request = context["request"]
    return render_to_string(
        "messaging/snippets/case_conversation.html", staff_context(request, case), request=request
    )
