"""Joint planning: which projects, where, when and financed by whom (HiGHS via linopy).

``load_problem`` reads a YAML problem, ``build`` declares the linopy model, ``solve``
runs HiGHS and returns a :class:`PlanResult`; ``plan`` does all three.
"""

from paxsilica.plan.load import load_problem
from paxsilica.plan.problem import Problem

__all__ = ["Problem", "load_problem"]
