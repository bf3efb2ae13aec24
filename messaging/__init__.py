"""Patient conversation: a scripted assistant with no medical advice, crisis stop, takeover.

Entry points: ``messaging.services`` (message_post_from_patient,
message_post_from_staff, conversation_take_over). Reply selection is pure, in
``messaging.assistant``.
"""
