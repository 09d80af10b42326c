import { withReason } from '../errors';

/** A wrong, malformed or replayed code: the one answer for all three, so none is told apart. */
export const codeInvalid = () => withReason('SECOND_FACTOR_INVALID', 'CODE_INVALID', 'The code is not correct.');
