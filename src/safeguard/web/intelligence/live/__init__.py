"""The live picture: distinct subjects seen sharing known material in the last hour and
day, by district, with its hour-by-hour chart (picture.py)."""
