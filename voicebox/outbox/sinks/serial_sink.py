"""Serial-line sink: one JSON envelope per line, as relay controllers and PLC gateways read them.

`port` is a device (`/dev/ttyUSB0`) or any pyserial URL (`socket://host:port`, `rfc2217://…`).
A serial line has no acknowledgement: a line counts as delivered once written and drained.
After a write that failed halfway the sink starts with a newline, so that the cut line stands
alone (a receiver drops it as invalid JSON) and the resent envelope arrives whole.
"""
from __future__ import annotations

from typing import Any, Sequence

from voicebox.outbox.base import DeliveryError, Envelope, Sent
from voicebox.outbox.settings import SerialSink as Settings


class SerialSink:
    name = "serial"

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self._port: Any = None
        self._cut = False  # the last write may have stopped in the middle of a line

    def open(self) -> None:
        import serial  # pyserial: imported here so profiles without a serial sink never need it

        s = self.settings
        try:
            self._port = serial.serial_for_url(s.port, baudrate=s.baudrate,
                                               write_timeout=s.write_timeout_s, exclusive=True)
        except (serial.SerialException, OSError, ValueError) as err:
            raise DeliveryError(f"serial {s.port}: cannot open: {err}", code="unreachable") from None

    def send(self, batch: Sequence[Envelope]) -> Sent:
        import serial

        newline = self.settings.newline.encode()
        done = 0
        try:
            if self._cut:
                self._port.write(newline)
                self._cut = False
            for env in batch:
                self._cut = True
                self._port.write(env.body.encode() + newline)
                self._cut = False
                done += 1
            self._port.flush()
        except serial.SerialTimeoutException:
            return Sent(done, DeliveryError(
                f"serial {self.settings.port}: nobody reads the line (write timed out after "
                f"{self.settings.write_timeout_s:g} s)", code="timeout"))
        except (serial.SerialException, OSError) as err:
            return Sent(done, DeliveryError(f"serial {self.settings.port}: {err}", code="io"))
        return Sent(done)

    def close(self) -> None:
        if self._port is not None:
            import serial

            try:
                self._port.close()
            except (OSError, serial.SerialException):
                pass  # a dead port; the failure that led here was reported by send()
            self._port = None
