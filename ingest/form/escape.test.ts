import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { escapeHtml, html, Html } from './escape.ts';

describe('escapeHtml', () => {
  it('turns markup characters into entities', () => {
    expect(escapeHtml(`<script>alert("x")</script>`)).toBe('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;');
    expect(escapeHtml(`' onmouseover='x`)).toBe('&#39; onmouseover=&#39;x');
    expect(escapeHtml('a & b `c`')).toBe('a &amp; b &#96;c&#96;');
  });

  it('escapes an existing entity again, so it shows as typed', () => {
    expect(escapeHtml('&lt;')).toBe('&amp;lt;');
  });

  it('keeps text, emoji and newlines; drops other control characters', () => {
    expect(escapeHtml('Caller said “HMRC” 📞\nthen hung up')).toBe('Caller said “HMRC” 📞\nthen hung up');
    expect(escapeHtml('a\u0000b\u001bc\u007f\td')).toBe('abc\td');
  });

  it('writes numbers as text', () => {
    expect(escapeHtml(42)).toBe('42');
  });

  it('never leaves a character that could end text or an attribute (property)', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), (s) => {
        const out = escapeHtml(s);
        expect(out).not.toMatch(/[<>"'`]/);
        // every & starts one of our entities
        expect(out.replace(/&(amp|lt|gt|quot|#39|#96);/g, '')).not.toContain('&');
      }),
    );
  });
});

describe('html template', () => {
  it('escapes interpolated strings but not nested templates, and skips empty values', () => {
    const inner = html`<b>${'<i>'}</b>`;
    expect(html`<p title="${'"x"'}">${inner}${null}${undefined}${false}${[html`<br>`, html`<hr>`]}</p>`.text).toBe(
      '<p title="&quot;x&quot;"><b>&lt;i&gt;</b><br><hr></p>',
    );
    expect(new Html('<x>').toString()).toBe('<x>');
  });
});
