"""Exact Online → eAccounting: Exact records read by source-exact-online become eAccounting writes
(destination-eaccounting).
"""
