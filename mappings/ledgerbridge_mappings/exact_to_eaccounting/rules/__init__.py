"""The rule config of the Exact Online → eAccounting flow, one module per concern;
``flow.EAccountingRules`` holds them all.
"""
