"""Scripts that measure Puente and print the figures we quote (CONVENTIONS.md, habit 8)."""
