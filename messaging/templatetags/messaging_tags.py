"""``{% callback_panel case intake token %}``: "talk to a person" on the patient's pages."""

from django import template
from django.template.loader import render_to_string

from messaging.views_patient import callback_context

register = template.Library()


@register.simple_tag(takes_context=True)
def callback_panel(context, case, intake, token, form=None, oob=False):
    """``{% callback_panel case intake token %}``: "talk to a person" on patient pages."""
    values = {"token": token, "oob": oob, **callback_context(intake, case, form=form)}
    return render_to_string(
        "messaging/snippets/callback_panel.html", values, request=context["request"]
    )
