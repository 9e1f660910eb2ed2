/**
 * How a {@link SimulatedModem} is made: its profile, first state, faults and timing.
 *
 * @module
 */
import type { FaultPlan } from './faults.js';
import type { DeviceProfile } from './profiles.js';
import type { Storage } from './storage/storage.js';
import type { TimingChoice } from './timing.js';

/** Options for {@link SimulatedModem}. */
export interface SimulatedModemOptions {
  /** Profile id or object. @default 'eg25g' */
  profile?: string | DeviceProfile;
  /** Boot state. @default 'edl' */
  state?: 'edl' | 'normal';
  faults?: FaultPlan;
  /** Reuse an existing storage (a modem that keeps its flash across simulator restarts). */
  storage?: Storage;
  /**
   * The revision the modem reports after a flash that ends in a reset (the simulator cannot
   * read a version out of the images it was sent; a test or demo says what the new firmware is).
   */
  afterUpdateRevision?: { revision: string; fullRevision: string };
  /** Real protocol timing by default; bulk data time instant unless scaled (timing.ts). */
  timing?: TimingChoice;
  /** Every boot comes up in EDL, as with the EDL pin held (repeated flashes need it). @default false */
  holdEdl?: boolean;
  /** The programmer keeps its start-up banner back. @default false */
  holdBanner?: boolean;
  /** Connection and state changes, one line each (qfh simulate prints them). */
  onEvent?: (line: string) => void;
}
