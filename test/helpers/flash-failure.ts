/** The FlashError a flash that must fail ends with (a success, or any other error, fails the test). */
import { FlashError } from '../../src/flash/index.js';

export const flashFailure = (p: Promise<unknown>): Promise<FlashError> =>
  p.then(
    () => {
      throw new Error('the flash succeeded');
    },
    (e: unknown) => {
      if (e instanceof FlashError) return e;
      throw e;
    },
  );
