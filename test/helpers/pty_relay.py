"""Creates a pty pair for tests: prints the slave's path, then relays the master to stdio.

The test opens the slave with qfh's chardev backend (as a host opens /dev/ttyUSB0) and
connects this process's stdin/stdout to the simulated modem. The slave keeps the default
termios a fresh tty has (canonical, echo, CR/LF mapping), as a freshly bound qcserial port
does: putting it in raw mode is qfh's job. Like usb-serial, which submits no read until the
port is opened and set up, the device's bytes are held back until the host has switched
echo and canonical mode off; a host that never does gets nothing, and its test fails.
"""
import os
import pty
import select
import sys
import termios

master, slave = pty.openpty()
print(os.ttyname(slave), flush=True)
out = sys.stdout.buffer


def host_ready():
    lflag = termios.tcgetattr(slave)[3]
    return not (lflag & (termios.ECHO | termios.ICANON))


while True:
    watch = [master, 0] if host_ready() else [master]
    ready, _, _ = select.select(watch, [], [], 0.02)
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
