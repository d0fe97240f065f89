import { describe, expect, it } from 'vitest';
import { openSecret, sealSecret } from './secret-box';

const KEY = 'k'.repeat(40);

describe('secret box', () => {
  it('opens what it sealed, and never stores the value in clear', () => {
    const sealed = sealSecret(KEY, 'client-secret-123', 'agency:7');
    expect(sealed).not.toContain('client-secret-123');
    expect(openSecret(KEY, sealed, 'agency:7')).toBe('client-secret-123');
  });
  it('seals the same value differently each time', () => {
    expect(sealSecret(KEY, 'x', 'a')).not.toBe(sealSecret(KEY, 'x', 'a'));
  });
  it('refuses another key, another record and an altered value', () => {
    const sealed = sealSecret(KEY, 'client-secret-123', 'agency:7');
    expect(openSecret('z'.repeat(40), sealed, 'agency:7')).toBeNull();
    expect(openSecret(KEY, sealed, 'agency:8')).toBeNull();
    const parts = sealed.split('.');
    parts[2] = parts[2]!.slice(0, -2) + (parts[2]!.endsWith('AA') ? 'AB' : 'AA');
    expect(openSecret(KEY, parts.join('.'), 'agency:7')).toBeNull();
    expect(openSecret(KEY, 'not sealed', 'agency:7')).toBeNull();
  });
});
