import { describe, expect, it } from 'vitest';
import { safeRedirectPath } from '../../../src/web/auth/redirect.ts';

describe('safeRedirectPath', () => {
  it('keeps paths on this site, with query and fragment', () => {
    expect(safeRedirectPath('/workflow/inbox', '/')).toBe('/workflow/inbox');
    expect(safeRedirectPath('/workflow/hello/12/?tab=history#top', '/')).toBe('/workflow/hello/12/?tab=history#top');
  });

  it('falls back for anything that could leave the site', () => {
    for (const next of [
      undefined,
      '',
      'https://evil.example',
      'https://evil.example/workflow',
      '//evil.example',
      '/\\evil.example',
      '\\\\evil.example',
      '/\t/evil.example',
      '/\n/evil.example',
      'javascript:alert(1)',
      'inbox',
    ]) {
      expect(safeRedirectPath(next, '/home'), JSON.stringify(next)).toBe('/home');
    }
  });
});
