"""A 200,000-row export streams through the engine in memory far below the file's size."""

from __future__ import annotations

import io
import tracemalloc

from amity.pipeline.importing import BatchResult, run_import

HEADER = (
    "Id,AccountId,Name,StageName,Amount,Probability,CloseDate,IsClosed,IsWon,CurrencyIsoCode,"
    "OwnerId,Type,LeadSource,CreatedDate,LastModifiedDate\r\n"
)
STAGES = ("Prospecting", "Qualification", "Proposal/Price Quote", "Negotiation/Review", "Closed Won")


def write_export(path, rows):
    with path.open("w", encoding="utf-8", newline="") as fh:
        fh.write(HEADER)
        for i in range(rows):
            fh.write(
                f'0065e{i:013d},0015e{i % 5000:013d},"Northwind Traders, Inc. - Data Platform {i}",'
                f"{STAGES[i % 5]},{1000 + i % 90000}.50,{(i % 10) * 10},2026-{1 + i % 12:02d}-{1 + i % 28:02d},"
                f"false,false,EUR,0055e{i % 200:013d},New Customer,Partner Referral,"
                "2026-01-12T09:14:03.000Z,2026-02-02T16:40:11.000Z\r\n"
            )


class CountingSink:
    """Counts what it is handed and keeps nothing, so memory measured is the engine's own."""

    def __init__(self):
        self.rows = 0

    def upsert(self, kind, batch):
        self.rows += len(batch)
        return BatchResult(created=len(batch))


def test_a_200k_row_file_is_processed_in_memory_far_below_its_size(tmp_path):
    path = tmp_path / "big.csv"
    write_export(path, 200_000)
    size = path.stat().st_size
    sink = CountingSink()

    tracemalloc.start()
    try:
        result = run_import(path, "opportunities", sink=sink, batch_size=2000)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()

    assert size > 40_000_000
    assert result.rows_read == result.accepted == sink.rows == 200_000
    # The duplicate-id table (12 bytes a slot) is the only thing that grows with the rows.
    assert peak < size / 4, f"peak {peak:,} bytes for a {size:,}-byte file"


def test_a_non_seekable_stream_is_read_once_front_to_back():
    class Pipe(io.RawIOBase):
        def __init__(self, data):
            self._data = io.BytesIO(data)

        def readable(self):
            return True

        def seekable(self):
            return False

        def readinto(self, buffer):
            chunk = self._data.read(min(len(buffer), 1000))
            buffer[: len(chunk)] = chunk
            return len(chunk)

    body = "".join(
        f"0065e{i:013d},,Deal {i},Prospecting,10,10,2026-01-01,false,false,EUR,,,,,\r\n" for i in range(5000)
    )
    stream = io.BufferedReader(Pipe((HEADER + body).encode()))

    result = run_import(stream, "opportunities", sink=CountingSink())

    assert result.rows_read == result.accepted == 5000
