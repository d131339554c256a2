"""Helpers both flows use: money and quantity rounding, countries, VAT numbers and scenarios, match keys,
text fitting, field maps.
"""
