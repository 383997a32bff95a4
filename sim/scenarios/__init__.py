"""Scenario files shipped with raaderum."""
