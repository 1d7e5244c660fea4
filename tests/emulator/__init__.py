"""Vendor emulator: Alibaba Cloud NLS and Baidu long-text TTS on 127.0.0.1, for every vendor code path in tests.

Neither vendor is reachable from the test machines, so the project owns a stand-in that speaks both protocols
as the vendors document them (tokens, signatures, status codes, task states, expiring audio links) and can be
told to misbehave (``Faults``). Clients only see different base URLs::

    with VendorEmulator(seed=1, faults=Faults(time_scale=0.05)) as emu:
        os.environ.update(emu.env())
        ...
        assert len(emu.requests_for("aliyun", "submit")) == 1

``python -m tests.emulator --port 0`` runs it standalone (prints the port, then the env vars).
"""

from tests.emulator.aliyun_signature import pop_signature
from tests.emulator.faults import Faults
from tests.emulator.server import VendorEmulator
from tests.emulator.wire import RecordedRequest

__all__ = ["Faults", "RecordedRequest", "VendorEmulator", "pop_signature"]
