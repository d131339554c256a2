"""eAccounting → Exact Online: eAccounting records read by source-eaccounting become Exact writes
(destination-exact-online).
"""
