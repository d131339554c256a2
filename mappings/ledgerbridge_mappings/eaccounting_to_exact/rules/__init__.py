"""The rule config of the eAccounting → Exact Online flow, one module per concern;
``flow.ExactRules`` holds them all.
"""
