"""One request model per question, and the function answering it: the one way in.

Every front end (the CLI, the HTTP service, the dashboard's forms, a Python user) builds
a request model from its inputs (:meth:`Request.parse`), calls the answer function and
formats the result; option rules and dispatch live here only. Each module holds one
question: :mod:`~paxsilica.requests.exposure`, :mod:`~paxsilica.requests.chokepoints`,
:mod:`~paxsilica.requests.criticality`, :mod:`~paxsilica.requests.screen`,
:mod:`~paxsilica.requests.certify`, :mod:`~paxsilica.requests.simulate`,
:mod:`~paxsilica.requests.plan`. Limits are declared once in
:mod:`~paxsilica.requests.limits`.

Names load on first use (``paxsilica.requests.ExposureRequest`` imports only its module).
"""

from __future__ import annotations

from paxsilica._lazy import lazy_names

REQUESTS: dict[str, str] = {
    "Request": "paxsilica.requests.base",
    "ExposureRequest": "paxsilica.requests.exposure",
    "answer_exposure": "paxsilica.requests.exposure",
    "ChokepointsRequest": "paxsilica.requests.chokepoints",
    "answer_chokepoints": "paxsilica.requests.chokepoints",
    "CriticalityRequest": "paxsilica.requests.criticality",
    "answer_criticality": "paxsilica.requests.criticality",
    "PublishedCriticalityRequest": "paxsilica.requests.criticality",
    "answer_published_criticality": "paxsilica.requests.criticality",
    "ScreenRequest": "paxsilica.requests.screen",
    "answer_screen": "paxsilica.requests.screen",
    "CertifyRequest": "paxsilica.requests.certify",
    "answer_certify": "paxsilica.requests.certify",
    "SimulateRequest": "paxsilica.requests.simulate",
    "prepare_simulation": "paxsilica.requests.simulate",
    "answer_simulate": "paxsilica.requests.simulate",
    "PlanRequest": "paxsilica.requests.plan",
    "answer_plan": "paxsilica.requests.plan",
    "ExpandRequest": "paxsilica.requests.expand",
    "answer_expand": "paxsilica.requests.expand",
}
"""Public name -> the module that defines it."""

__all__ = sorted(REQUESTS)

__getattr__, __dir__ = lazy_names(__name__, REQUESTS)
