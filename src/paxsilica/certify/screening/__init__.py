"""Name screening: normalisation, blocking keys, features, logistic score, evaluation."""

from paxsilica.certify.screening.evaluate import precision_recall
from paxsilica.certify.screening.normalize import name_form
from paxsilica.certify.screening.screener import Screener, score_model

__all__ = ["Screener", "name_form", "precision_recall", "score_model"]
