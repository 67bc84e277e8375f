/**
 * Issue #20 (medium): `/login?next=%2F%09%2Fevil.example` redirected off-site — browsers drop tabs and line
 * breaks from a URL, so "/\t/evil.example" becomes "//evil.example". Only same-site paths come back.
 */
import { describe, expect, it } from 'vitest';
import { safeReturn } from '../../services/web/web-routes.js';

describe('the ?next= of the login page', () => {
  it('keeps same-site paths with their query', () => {
    expect(safeReturn('/alerts?status=open#top')).toBe('/alerts?status=open#top');
    expect(safeReturn('/')).toBe('/');
  });

  it('refuses every way of naming another site', () => {
    for (const next of [
      '/\t/evil.example',
      '/\n/evil.example',
      '/\r\n/evil.example',
      '//evil.example',
      '/\\evil.example',
      '\\/evil.example',
      'https://evil.example/',
      '/%09/evil.example'.replace('%09', '\u0009'),
      ' //evil.example',
      '/\u0000/evil.example',
      'javascript:alert(1)',
    ])
      expect(safeReturn(next), JSON.stringify(next)).toBe('/');
  });
});
