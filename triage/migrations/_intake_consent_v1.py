"""Version 1 of the consent text, English and Spanish (used by migration 0004 and tests).

Frozen: a change is a new version, written and published in the admin.
(Django's migration loader skips modules whose name starts with an underscore.)
"""

CONSENT_V1 = {
    "en": {
        "title": "Before you start: how this service works",
        "body": """\
This is an automated administrative service of the clinic. It is not a clinician and it is not a person. It does not give a diagnosis, treatment or medical advice. It takes your request so that a member of the clinic staff can read it and contact you.

It is not for emergencies. If you are in danger or in crisis, call or text 988, call 911, or text HOME to 741741. These numbers are on every page.

What we collect: your name, date of birth, phone number and e-mail address, how you would like us to contact you, what you write in your own words, and your answers to standard questions about mood, worry and safety (PHQ-9, GAD-7 and ASQ). If you choose to, also your age range, gender and preferred language.

Who sees it: the clinic's nurses and clinicians who handle new requests, and, only when needed, the staff who look after this service. Each time staff open your information, it is recorded. Your information is stored encrypted. We do not sell it. We share it outside the clinic only when the law requires it or to keep you or someone else safe in an emergency.

How long we keep it: as long as the law requires the clinic to keep health records. Answers you save but do not send are kept the same protected way.

Your information is never used to train public artificial intelligence (AI) models.

How to withdraw: after you send your request, you get a private link. With it you can withdraw your consent at any time, change your contact details or download your data. You can also call the clinic. When you withdraw, the clinic stops working on your request.

Nothing about you is stored until you tick the box below.""",
    },
    "es": {
        "title": "Antes de empezar: cómo funciona este servicio",
        "body": """\
Este es un servicio administrativo automático de la clínica. No es un profesional clínico y no es una persona. No da diagnósticos, tratamientos ni consejos médicos. Recibe su solicitud para que una persona del personal de la clínica la lea y se comunique con usted.

No es para emergencias. Si está en peligro o en crisis, llame o envíe un mensaje de texto al 988, llame al 911 o envíe AYUDA por mensaje de texto al 741741. Estos números aparecen en todas las páginas.

Qué recopilamos: su nombre, fecha de nacimiento, número de teléfono y correo electrónico, cómo prefiere que nos comuniquemos con usted, lo que escriba con sus propias palabras y sus respuestas a preguntas estándar sobre el ánimo, la preocupación y la seguridad (PHQ-9, GAD-7 y ASQ). Si usted lo decide, también su rango de edad, su género y su idioma preferido.

Quién lo ve: el personal de enfermería y los profesionales clínicos de la clínica que atienden las solicitudes nuevas y, solo cuando es necesario, el personal que mantiene este servicio. Cada vez que alguien del personal abre su información, queda registrado. Su información se guarda cifrada. No la vendemos. Solo la compartimos fuera de la clínica cuando la ley lo exige o para protegerle a usted o a otra persona en una emergencia.

Cuánto tiempo la guardamos: el tiempo que la ley exige a la clínica guardar los expedientes de salud. Las respuestas que guarde y no envíe se conservan con la misma protección.

Su información nunca se usa para entrenar modelos públicos de inteligencia artificial (IA).

Cómo retirar su consentimiento: después de enviar su solicitud, recibirá un enlace privado. Con él puede retirar su consentimiento en cualquier momento, cambiar sus datos de contacto o descargar sus datos. También puede llamar a la clínica. Si retira su consentimiento, la clínica deja de trabajar en su solicitud.

No se guarda nada sobre usted hasta que marque la casilla de abajo.""",
    },
}
