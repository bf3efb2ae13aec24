"""``{% case_conversation case %}``: the conversation section of the console case page;
``{% callback_panel case intake token %}``: "talk to a person" on the patient's pages.

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


@register.simple_tag(takes_context=True)
def callback_panel(context, case, intake, token, form=None, oob=False):
    """``{% callback_panel case intake token %}``: "talk to a person" on patient pages."""
    from messaging.views_patient import callback_context

    values = {"token": token, "oob": oob, **callback_context(intake, case, form=form)}
    return render_to_string(
        "messaging/snippets/callback_panel.html", values, request=context["request"]
    )
