"""Renderers: turn library results into text, JSON and pictures. They only render."""
