import { passwordProblem, similarity } from '../../src/accounts/password-rules';

test('similarity matches Python difflib.SequenceMatcher.ratio', () => {
  // Reference values computed with difflib.
  expect(similarity('abcd', 'bcde')).toBeCloseTo(0.75);
  expect(similarity('alice', 'alice1990')).toBeCloseTo(0.714, 3);
  expect(similarity('qwerty', 'zxcvbn')).toBe(0);
});

test('acceptable passwords pass', () => {
  expect(passwordProblem('correct horse battery staple', ['alice'])).toBeNull();
  expect(passwordProblem('Zx9!long-enough', ['bob', 'bob@example.test'])).toBeNull();
});

test('the rules', () => {
  expect(passwordProblem('short')).toMatch(/at least 8/);
  expect(passwordProblem('12345678901')).toMatch(/numeric/);
  expect(passwordProblem('Password1')).toMatch(/common/);
  expect(passwordProblem('alice1990x', ['alice1990'])).toMatch(/similar/);
  expect(passwordProblem('y'.repeat(257))).toMatch(/at most 256/);
  expect(passwordProblem('🦄'.repeat(8))).toBeNull(); // counted in characters, not UTF-16 units
});
