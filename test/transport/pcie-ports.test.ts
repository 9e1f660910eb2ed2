import { describe, expect, it } from 'vitest';
import { groupPciePorts, pcieModemState } from '../../src/transport/pcie-ports.js';
import { renderListing } from '../../src/cli/commands/list.js';

describe('PCIe modem ports', () => {
  it('groups Quectel pcie_mhi nodes per module (no suffix for the first, 1..9 for more) and upstream wwan nodes per wwanN', () => {
    const groups = groupPciePorts([
      '/dev/mhi_DUN',
      '/dev/mhi_DIAG',
      '/dev/mhi_BHI1',
      '/dev/mhi_EDL1',
      '/dev/wwan0at0',
      '/dev/wwan0qcdm0',
      '/dev/wwan1firehose0',
      '/dev/ttyS0',
      '/dev/wwan0mbim0',
    ]);
    expect(groups).toEqual([
      { driver: 'pcie_mhi', index: 0, at: '/dev/mhi_DUN', diag: '/dev/mhi_DIAG' },
      { driver: 'pcie_mhi', index: 1, bhi: '/dev/mhi_BHI1', edl: '/dev/mhi_EDL1' },
      { driver: 'wwan', index: 0, at: '/dev/wwan0at0', diag: '/dev/wwan0qcdm0' },
      { driver: 'wwan', index: 1, edl: '/dev/wwan1firehose0' },
    ]);
    expect(groups.map(pcieModemState)).toEqual(['normal', 'edl', 'normal', 'edl']);
  });

  it('qfh list names each module, its state and what to run next', () => {
    const text = renderListing({
      usb: [],
      pcie: ['/dev/wwan0at0', '/dev/wwan0qcdm0', '/dev/mhi_BHI', '/dev/mhi_EDL'],
    }).join('\n');
    expect(text).toContain(
      'pcie_mhi module 0 (edl): BHI /dev/mhi_BHI, EDL /dev/mhi_EDL  →  --device /dev/mhi_EDL',
    );
    expect(text).toContain(
      'wwan module 0 (normal): AT /dev/wwan0at0, DIAG /dev/wwan0qcdm0  →  qfh verify --device /dev/wwan0at0',
    );
  });
});
