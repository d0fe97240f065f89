import fs from 'node:fs';
import { hash, verify } from '@node-rs/argon2';

const common = new Set(
  fs.readFileSync(new URL('./common-passwords.txt', import.meta.url), 'utf8')
    .split('\n').map((l) => l.trim().toLowerCase()).filter((l) => l && !l.startsWith('#')),
);

export const MIN_PASSWORD_LENGTH = 12;

/** Why a password is refused, or null: length and known-weak checks only, no composition rules (NCSC). */
export function passwordProblem(password: string, context: { email?: string; name?: string } = {}): string | null {
  if (password.length < MIN_PASSWORD_LENGTH) return `Password must be ${MIN_PASSWORD_LENGTH} characters or more`;
  if (password.length > 256) return 'Password must be 256 characters or fewer';
  const lower = password.toLowerCase();
  if (common.has(lower)) return 'Password is too common: choose one that is harder to guess, such as three random words';
  if (/^(.)\1+$/.test(password)) return 'Password must not be one character repeated';
  const local = context.email?.split('@')[0]?.toLowerCase();
  if (local && local.length >= 4 && lower.includes(local)) return 'Password must not contain your email address';
  return null;
}

// OWASP's argon2id settings: 19 MiB, 2 iterations, 1 lane.
// algorithm 2 is Argon2id (the package's enum is const, which isolated modules cannot read).
const options = { algorithm: 2 as const, memoryCost: 19_456, timeCost: 2, parallelism: 1 };

export function hashPassword(password: string): Promise<string> {
  return hash(password, options);
}

export function verifyPassword(passwordHash: string, password: string): Promise<boolean> {
  return verify(passwordHash, password).catch(() => false);
}
