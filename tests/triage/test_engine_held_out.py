"""The crisis scan on text it was not tuned on, and on ordinary sentences near its rules.

``crisis_holdout_2.jsonl`` and ``crisis_holdout_3.jsonl`` (300 messages each) were
written blind to the engine and to each other, and have never been used to change the
lexicon: their figures are the honest estimate of how the scan does on new text, and
the README quotes them. The floors below only catch a regression; they are not a goal.
``crisis_dev.jsonl`` was a held-out set until its misses were studied to broaden the
lexicon (script default-2026.2), so it now counts as tuned.
"""

from pathlib import Path

import pytest

from triage.engine import evaluate, format_table, load_cases, scan

DATA = Path(__file__).resolve().parents[1] / "data"

# set: (sensitivity, specificity, explicit crises flagged out of 40), as measured at the
# first run of each set; a change to the engine or lexicon must not fall below them.
BLIND_FLOORS = {
    "crisis_holdout_2.jsonl": (0.52, 0.92, 35),
    "crisis_holdout_3.jsonl": (0.56, 0.91, 37),
}


@pytest.mark.parametrize(("name", "floors"), BLIND_FLOORS.items())
def test_on_blind_text_it_keeps_its_measured_floor(name, floors):
    min_sensitivity, min_specificity, min_explicit = floors
    cases = load_cases(DATA / name)

    report = evaluate(cases, scan)
    explicit = [c for c in cases if c["kind"] == "explicit"]
    caught = sum(1 for c in explicit if scan(c["text"]))

    assert report.n == 300 and len(explicit) == 40
    assert report.sensitivity >= min_sensitivity, format_table(report)
    assert report.specificity >= min_specificity, format_table(report)
    assert caught >= min_explicit, f"{caught}/40 explicit crises flagged"


def test_on_the_development_set_it_meets_the_bar():
    report = evaluate(load_cases(DATA / "crisis_dev.jsonl"), scan)

    assert report.sensitivity >= 0.98, format_table(report)
    assert report.specificity >= 0.85, format_table(report)


@pytest.mark.parametrize(
    "text",
    [
        "I took 2 tylenol for my headache this morning.",
        "I take 3 pills in the morning and 2 at night.",
        "I passed out on the couch watching TV.",
        "My heart is racing before every exam, is that anxiety?",
        "I get chest tightness when I'm anxious.",
        "I hit my head on the cabinet door yesterday.",
        "I bite my nails until they bleed when I'm stressed.",
        "I paid off my debts this year and feel proud.",
        "I won't need the appointment next week, I found a therapist closer to home.",
        "I was standing on the bridge looking at the river with my kids on Sunday.",
        "I keep looking down at my phone all day.",
        "My pills are missing, I think I left them at my mom's.",
        "I'm gonna pop her a message later.",
        "I left while he was asleep to go to work.",
        "I work in a warehouse and use a box cutter all day.",
        "I cut my hair short and I love it.",
        "I bought a knife set for my kitchen.",
        "We bought gas for the trip tomorrow.",
        "I have bruises on my legs from soccer practice.",
        "I pick at my skin when I'm anxious.",
        "My grandmother's heart pills are expensive, can you help with insurance?",
        "I finished the whole bottle of wine last night and feel awful.",
        "He's done with school for the summer and going to camp tonight.",
        "I'm finished with my shift, going home tonight.",
        "My doctor said the lethal dose of caffeine is very high, so coffee is fine.",
        "I keep a journal and wrote letters to my kids for their birthdays.",
        "Voy a quemar calorías en el gimnasio.",
        "Sigo cortando verduras para la cena.",
        "Le regalé mi guitarra a mi sobrino por su cumpleaños.",
        "Borré mis redes sociales para concentrarme en los estudios.",
        "Ya no voy a necesitar la cita, me siento mejor.",
        "El próximo tren pasa en cinco minutos y voy a llegar tarde.",
        "Compré gasolina para mañana porque salimos de viaje.",
        "Tengo un ojo morado del fútbol.",
        "Mi mamá me revisa el celular todos los días.",
        "Me quitaron el celular en la escuela.",
        "Tomo 3 mg de melatonina y no me hace nada.",
        "Me tomé dos paracetamoles para el dolor de cabeza.",
        "Me falta el aire cuando subo escaleras.",
        "Llevo una navaja suiza en la mochila para acampar.",
        "Me corto el pelo cada mes.",
        "Me golpeé la cabeza con la puerta sin querer.",
        "Estoy sentada en el puente del parque leyendo, qué bonito día.",
        "Me despedí de mis compañeros porque cambié de trabajo.",
        "Mi papá se llevó el machete para cortar la maleza.",
        "Afilé los cuchillos de la cocina para la cena de esta noche.",
        "Cargué la escopeta para ir de caza con mi papá el sábado.",
        "I loaded the gun safe and took the kids hunting this weekend.",
        "I'm scared to be alone with my thoughts at night.",
        "My son shakes when he is nervous.",
        "I sharpened the knives for tonight's dinner party.",
        "La plancha del pelo me dejó la piel del cuello un poco roja.",
        "Termino con moretones después de cada partido de rugby.",
        "I've been smoking weed with my brother, gonna smoke him out tonight haha.",
        "I can't do this job anymore, I'm looking for a new one.",
        "Goodbye everyone, see you at group next week!",
        "I won't be here tomorrow, I'm traveling for work.",
        "I googled how to sleep better and how many hours adults need.",
        "I looked up how long it takes for sertraline to start working.",
        "I relapsed on smoking after 30 days clean, ugh.",
        "My mom will kill me if I fail this class lol.",
        "I'll make them pay for the damage to my car.",
        "I'm hiding in my room from my annoying brother lol.",
        "Words come out wrong when I'm nervous in meetings, is that anxiety?",
        "Ya no voy a estar en la oficina los viernes.",
        "Quiero que todo termine bien con la mudanza.",
        "Bueno, adiós a todos y hasta la próxima sesión.",
        "Me rompo la cabeza pensando cómo voy a pagar la renta este mes.",
        "Busqué cómo dormir mejor en internet.",
        "Recaí con el cigarro después de dos meses.",
    ],
)
def test_it_ignores_ordinary_sentences_that_share_words_with_its_rules(text):
    assert scan(text) == ()
