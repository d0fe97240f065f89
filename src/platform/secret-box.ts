import crypto from 'node:crypto';

/**
 * Encrypts a secret Beacon must later use as it was (an identity provider's client secret), so a copy
 * of the database or a backup alone does not give it away: the key lives in the configuration, never in
 * the database. AES-256-GCM detects any change to the stored value; `context` (the record it belongs
 * to) is bound in, so a value copied onto another record does not decrypt there.
 */
const VERSION = 'v1';

function keyFrom(secret: string): Buffer {
  return crypto.createHash('sha256').update(`beacon secret box\u0000${secret}`).digest();
}

export function sealSecret(secret: string, value: string, context: string): string {
  const iv = crypto.randomBytes(12);
  const cipher = crypto.createCipheriv('aes-256-gcm', keyFrom(secret), iv);
  cipher.setAAD(Buffer.from(context));
  const body = Buffer.concat([cipher.update(value, 'utf8'), cipher.final()]);
  return [VERSION, iv.toString('base64url'), body.toString('base64url'), cipher.getAuthTag().toString('base64url')].join('.');
}

/** The value, or null when it was sealed with another key, for another record, or altered. */
export function openSecret(secret: string, sealed: string, context: string): string | null {
  const [version, iv, body, tag] = sealed.split('.');
  if (version !== VERSION || !iv || !body || !tag) return null;
  try {
    const decipher = crypto.createDecipheriv('aes-256-gcm', keyFrom(secret), Buffer.from(iv, 'base64url'));
    decipher.setAAD(Buffer.from(context));
    decipher.setAuthTag(Buffer.from(tag, 'base64url'));
    return Buffer.concat([decipher.update(Buffer.from(body, 'base64url')), decipher.final()]).toString('utf8');
  } catch {
    return null;
  }
}
