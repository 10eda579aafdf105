"""The labelled routing set and the evaluation of the persona router against it (``python -m evals.routing``)."""

from evals.routing.accuracy import QUESTIONS_FILE, Misroute, RoutingQuestion, RoutingReport, evaluate, load_questions

__all__ = ["QUESTIONS_FILE", "Misroute", "RoutingQuestion", "RoutingReport", "evaluate", "load_questions"]
