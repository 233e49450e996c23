"""Significance tests, intervals, power and ratings for inspection findings."""
