import pytest

from ledgerbridge_writer import DiskMap


@pytest.fixture
def disk_map():
    store = DiskMap()
    yield store
    store.close()


def test_it_behaves_as_a_mapping(disk_map):
    disk_map["orders/Exact SO 1"] = "a"
    disk_map["orders/Exact SO 2"] = "b"
    disk_map["orders/Exact SO 1"] = "c"  # a later write of the same key wins

    assert disk_map["orders/Exact SO 1"] == "c"
    assert disk_map.get("orders/Exact SO 3") is None
    assert "orders/Exact SO 2" in disk_map
    assert "orders/Exact SO 3" not in disk_map
    assert len(disk_map) == 2
    assert dict(disk_map) == {"orders/Exact SO 1": "c", "orders/Exact SO 2": "b"}


def test_missing_keys_raise_key_error(disk_map):
    with pytest.raises(KeyError):
        disk_map["nothing"]
    with pytest.raises(KeyError):
        del disk_map["nothing"]


def test_deleting_while_iterating_sees_the_keys_as_they_were(disk_map):
    disk_map.update({f"k{n}": str(n) for n in range(5)})

    for key in disk_map:
        del disk_map[key]

    assert len(disk_map) == 0


def test_many_entries_round_trip(disk_map):
    # Well past the in-memory page cache, so most of the map is read back from SQLite's temporary file.
    entries = {f"customers/{n:08d}": f"{n:032x}" for n in range(50_000)}
    disk_map.update(entries)

    assert len(disk_map) == len(entries)
    assert all(disk_map[key] == value for key, value in list(entries.items())[::997])
