"""placeholder"""

from __future__ import annotations


def master_data_flows(connections, only):
    return []


def reconcile_master_data(flows, home, report):
    return None
