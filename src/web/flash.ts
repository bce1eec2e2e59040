/**
 * Flash messages: a line of feedback ("Task assigned") carried across one
 * redirect and shown on the next page. They travel in an HMAC-signed
 * cookie, so they also work after logout and cannot be forged or altered
 * by the client; a message stays until a page takes it.
 *
 * Install `flashMessages({ secret })` before the routes; then
 * `flash(c, 'success', '…')` before redirecting, and `takeFlash(c)` (or
 * `layoutProps(c)`) when rendering.
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Context, MiddlewareHandler } from 'hono';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import { cookieOptions } from './auth/cookies.ts';

export type FlashKind = 'success' | 'error' | 'info';

export interface FlashMessage {
  kind: FlashKind;
  text: string;
}

export interface FlashOptions {
  /**
   * Key for signing the cookie, at least 32 characters; default the
   * FLOWLANE_SECRET environment variable. Without either, each process
   * makes up its own, and a message flashed by one server process is
   * dropped by another: set it when running more than one.
   */
  secret?: string;
}

export const FLASH_COOKIE = 'flowlane_flash';
const KINDS = new Set<string>(['success', 'error', 'info']);
/** Unshown messages expire: a message is feedback on what the user just did. */
const FLASH_MAX_AGE_SECONDS = 10 * 60;
/** Browsers drop cookies over 4 KB; older messages give way to newer ones. */
const MAX_COOKIE_VALUE = 3500;
const MAX_TEXT = 500;
const MIN_SECRET_LENGTH = 32;

interface FlashState {
  key: Buffer;
  received: FlashMessage[];
  added: FlashMessage[];
  taken: boolean;
}

type FlashEnv = { Variables: { flowlaneFlash: FlashState } };

let processSecret: Buffer | undefined;

function signingKey(secret: string | undefined): Buffer {
  if (secret === undefined) return (processSecret ??= randomBytes(32));
  if (secret.length < MIN_SECRET_LENGTH) {
    throw new Error(`flashMessages: the secret must be at least ${MIN_SECRET_LENGTH} characters`);
  }
  return Buffer.from(secret);
}

function mac(key: Buffer, payload: string): Buffer {
  return createHmac('sha256', key).update(`flowlane-flash:${payload}`).digest();
}

function encode(key: Buffer, messages: FlashMessage[]): string {
  const payload = Buffer.from(JSON.stringify(messages)).toString('base64url');
  return `${payload}.${mac(key, payload).toString('base64url')}`;
}

function decode(key: Buffer, value: string | undefined): FlashMessage[] {
  const dot = value?.lastIndexOf('.') ?? -1;
  if (!value || dot < 0) return [];
  const payload = value.slice(0, dot);
  const signature = Buffer.from(value.slice(dot + 1), 'base64url');
  const expected = mac(key, payload);
  if (signature.length !== expected.length || !timingSafeEqual(signature, expected)) return [];
  try {
    const parsed: unknown = JSON.parse(Buffer.from(payload, 'base64url').toString());
    return Array.isArray(parsed) ? parsed.filter(isFlashMessage) : [];
  } catch {
    return [];
  }
}

function isFlashMessage(value: unknown): value is FlashMessage {
  const message = value as FlashMessage;
  return typeof message === 'object' && message !== null && KINDS.has(message.kind) && typeof message.text === 'string';
}

export function flashMessages(options: FlashOptions = {}): MiddlewareHandler<FlashEnv> {
  const key = signingKey(options.secret ?? process.env.FLOWLANE_SECRET);
  return async (c, next) => {
    const cookie = getCookie(c, FLASH_COOKIE);
    const state: FlashState = { key, received: decode(key, cookie), added: [], taken: false };
    c.set('flowlaneFlash', state);
    await next();

    const pending = [...(state.taken ? [] : state.received), ...state.added];
    if (state.added.length > 0) {
      let value = encode(key, pending);
      while (value.length > MAX_COOKIE_VALUE && pending.length > 1) {
        pending.shift();
        value = encode(key, pending);
      }
      setCookie(c, FLASH_COOKIE, value, cookieOptions(c, FLASH_MAX_AGE_SECONDS));
    } else if (cookie !== undefined && pending.length === 0) {
      deleteCookie(c, FLASH_COOKIE, cookieOptions(c));
    }
  };
}

function stateOf(c: Context): FlashState {
  const state = (c as Context<FlashEnv>).var.flowlaneFlash;
  if (!state) throw new Error('flash: install the flashMessages() middleware before the routes that use it');
  return state;
}

/** Queues a message for the next page this browser renders. */
export function flash(c: Context, kind: FlashKind, text: string): void {
  stateOf(c).added.push({ kind, text: text.slice(0, MAX_TEXT) });
}

/** The messages to show now (from the previous request and this one); they will not be shown again. */
export function takeFlash(c: Context): FlashMessage[] {
  const state = stateOf(c);
  const messages = [...(state.taken ? [] : state.received), ...state.added];
  state.taken = true;
  state.added = [];
  return messages;
}
