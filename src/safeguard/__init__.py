"""Safeguard: forensic triage and a multi-agency safeguarding platform."""

__version__ = "0.1.0"
TOOL_NAME = "Safeguard"
