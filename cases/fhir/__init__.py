"""FHIR R4 (R4B) export of a case: a ``collection`` Bundle validated with fhir.resources.

``bundle.case_bundle(case)`` builds it; ``questionnaires`` holds the project's own
Questionnaire resources for the screeners, referenced canonically. See docs/fhir/.
"""
