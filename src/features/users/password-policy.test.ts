import { describe, expect, it } from 'vitest';
import { hashPassword, passwordProblem, verifyPassword } from './password-policy';

describe('password policy', () => {
  it('asks for 12 characters or more and nothing else about composition', () => {
    expect(passwordProblem('elevenchars')).toMatch(/12 characters/);
    expect(passwordProblem('correct stapler river')).toBeNull();
    expect(passwordProblem('alllowercaseletters')).toBeNull();
  });
  it('refuses common passwords whatever their case', () => {
    expect(passwordProblem('Password1234')).toMatch(/too common/);
    expect(passwordProblem('QWERTYUIOP123')).toMatch(/too common/);
  });
  it('refuses a repeated character and a password containing the email name', () => {
    expect(passwordProblem('aaaaaaaaaaaaaa')).toMatch(/repeated/);
    expect(passwordProblem('jo.bloggs-is-great', { email: 'jo.bloggs@kent.gov.uk' })).toMatch(/email/);
  });
  it('hashes with argon2id and verifies only the right password', async () => {
    const hash = await hashPassword('correct stapler river');
    expect(hash.startsWith('$argon2id$')).toBe(true);
    expect(await verifyPassword(hash, 'correct stapler river')).toBe(true);
    expect(await verifyPassword(hash, 'correct stapler rivet')).toBe(false);
    expect(await verifyPassword('not a hash', 'x')).toBe(false);
  });
});
