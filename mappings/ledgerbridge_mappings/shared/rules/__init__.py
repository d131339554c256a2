"""Rule-config pieces both flows use: the strict base model, field maps, country and currency codes,
statuses, references.
"""
