import { describe, expect, it } from 'vitest';
import { hashPassword, verifyPassword } from '../../../src/web/auth/password.ts';

describe('password hashing', () => {
  it('verifies the right password and refuses a wrong one', async () => {
    const hash = await hashPassword('correct horse battery staple');
    expect(await verifyPassword('correct horse battery staple', hash)).toBe(true);
    expect(await verifyPassword('correct horse battery stapler', hash)).toBe(false);
    expect(await verifyPassword('', hash)).toBe(false);
  });

  it('stores its parameters and a random salt in the hash', async () => {
    const [a, b] = await Promise.all([hashPassword('same'), hashPassword('same')]);
    expect(a).toMatch(/^scrypt\$32768\$8\$1\$[\w-]+\$[\w-]+$/);
    expect(a).not.toBe(b);
  });

  it('verifies with the parameters the hash was made with, not the current defaults', async () => {
    const cheap = await hashPassword('pw', { N: 1024, r: 4, p: 1 });
    expect(cheap.startsWith('scrypt$1024$4$1$')).toBe(true);
    expect(await verifyPassword('pw', cheap)).toBe(true);
    expect(await verifyPassword('pW', cheap)).toBe(false);
  });

  it('refuses altered or foreign hashes instead of throwing', async () => {
    const hash = await hashPassword('pw', { N: 1024, r: 4, p: 1 });
    const parts = hash.split('$');
    const otherKey = Buffer.alloc(32, 1).toString('base64url');
    expect(await verifyPassword('pw', [...parts.slice(0, 5), otherKey].join('$'))).toBe(false);
    expect(await verifyPassword('pw', hash.replace('scrypt$1024', 'scrypt$1000'))).toBe(false); // N not a power of two
    expect(await verifyPassword('pw', hash.replace('scrypt$1024', `scrypt$${2 ** 30}`))).toBe(false); // absurd cost
    expect(await verifyPassword('pw', 'pbkdf2_sha256$600000$salt$hash')).toBe(false);
    expect(await verifyPassword('pw', '')).toBe(false);
  });
});
