"""Wrong: fine-tunes whatever the task ("a custom model is always better")."""

from ftlab.learner import Decision


def decide_approach(scenario):
    return Decision("fine-tune", "a model trained on our own data is always better")
