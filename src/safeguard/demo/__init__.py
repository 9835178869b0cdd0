"""Synthetic, benign data for the demo and the tests."""
