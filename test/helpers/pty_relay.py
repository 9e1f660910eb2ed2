"""Creates a pty pair for tests: prints the slave's path, then relays the master to stdio.

The test opens the slave with qfh's chardev backend (as a host opens /dev/ttyUSB0) and
connects this process's stdin/stdout to the simulated modem.
"""
import os
import pty
import select
import sys
import tty

master, slave = pty.openpty()
tty.setraw(slave)
print(os.ttyname(slave), flush=True)
out = sys.stdout.buffer
while True:
    ready, _, _ = select.select([master, 0], [], [])
    if master in ready:
        try:
            data = os.read(master, 65536)
        except OSError:
            data = b""
        if data:
            out.write(data)
            out.flush()
    if 0 in ready:
        data = os.read(0, 65536)
        if not data:
            break
        os.write(master, data)
