// Looks at the evidence as a person would: renders a page in headless Chromium at a given window
// width and measures what matters — whether anything is wider than the window, whether each SVG is
// shown at its own size, and the boxes of every SVG text (for cut-off and overlapping labels).
// Chromium is the Debian package (`scripts/install-chromium.sh`); no browser is downloaded.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const CHROMIUM = process.env.CHROMIUM ?? '/usr/bin/chromium';
export const chromiumAvailable = (): boolean => existsSync(CHROMIUM);

export interface TextBox {
  readonly text: string;
  readonly x: number;
  readonly y: number;
  readonly w: number;
  readonly h: number;
  /** The smallest rectangle drawn around the text's start, if any (the text must fit in it). */
  readonly box?: { readonly x: number; readonly y: number; readonly w: number; readonly h: number } | null;
}

export interface SvgMeasure {
  readonly label: string;
  /** On the page, in CSS pixels. */
  readonly left: number;
  readonly right: number;
  readonly renderedWidth: number;
  /** Its own coordinate system (viewBox). */
  readonly width: number;
  readonly height: number;
  readonly texts: readonly TextBox[];
}

export interface PageMeasure {
  readonly viewportWidth: number;
  readonly scrollWidth: number;
  readonly svgs: readonly SvgMeasure[];
}

const MEASURE = `<script>
(() => {
  const svgs = [...document.querySelectorAll('svg')].map((svg) => {
    const r = svg.getBoundingClientRect();
    const vb = svg.viewBox.baseVal;
    const rects = [...svg.querySelectorAll('rect')].map((r) => r.getBBox()).filter((b) => b.width < vb.width - 1 || b.height < vb.height - 1);
    const texts = [...svg.querySelectorAll('text')].map((t) => {
      const b = t.getBBox();
      // The smallest box drawn around the text's first letter: the text must stay inside it.
      const px = t.getAttribute('text-anchor') === 'middle' ? b.x + b.width / 2 : t.getAttribute('text-anchor') === 'end' ? b.x + b.width - 1 : b.x + 1;
      const py = b.y + b.height / 2;
      const inside = rects.filter((r) => r.x <= px && px <= r.x + r.width && r.y <= py && py <= r.y + r.height).sort((p, q) => p.width * p.height - q.width * q.height)[0];
      return { text: t.textContent, x: b.x, y: b.y, w: b.width, h: b.height, box: inside ? { x: inside.x, y: inside.y, w: inside.width, h: inside.height } : null };
    });
    return { label: svg.getAttribute('aria-label') || '', left: r.left, right: r.right, renderedWidth: r.width, width: vb.width, height: vb.height, texts };
  });
  const out = { viewportWidth: window.innerWidth, scrollWidth: document.documentElement.scrollWidth, svgs };
  const pre = document.createElement('pre');
  pre.id = 'measure';
  pre.textContent = JSON.stringify(out);
  document.body.appendChild(pre);
})();
</script>`;

const decode = (s: string): string =>
  s
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&amp;/g, '&');

/** Renders `html` (a whole page, or an SVG document) at `width` CSS pixels and measures it. */
export function measurePage(html: string, width = 1400): PageMeasure {
  const dir = mkdtempSync(join(tmpdir(), 'render-'));
  try {
    const page = html.trimStart().startsWith('<svg')
      ? `<!DOCTYPE html><html><head><meta charset="utf-8"><style>body{margin:0}</style></head><body>${html}${MEASURE}</body></html>`
      : html.replace('</body>', `${MEASURE}</body>`);
    writeFileSync(join(dir, 'page.html'), page);
    const profile = join(dir, 'profile');
    const args = [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      `--user-data-dir=${profile}`,
      `--window-size=${width},1000`,
      '--hide-scrollbars',
      '--dump-dom',
      `file://${join(dir, 'page.html')}`,
    ];
    const result = spawnSync(CHROMIUM, args, { encoding: 'utf8', timeout: 120_000, maxBuffer: 256 * 1024 * 1024 });
    const match = /<pre id="measure">([\s\S]*?)<\/pre>/.exec(result.stdout ?? '');
    if (!match) throw new Error(`chromium rendered nothing measurable (exit ${result.status}): ${(result.stderr ?? '').slice(-2000)}`);
    return JSON.parse(decode(match[1])) as PageMeasure;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Pairs of SVG texts whose boxes overlap (by more than a sliver). */
export function overlappingTexts(texts: readonly TextBox[], tolerance = 0.5): [TextBox, TextBox][] {
  const out: [TextBox, TextBox][] = [];
  for (let i = 0; i < texts.length; i++) {
    for (let j = i + 1; j < texts.length; j++) {
      const a = texts[i];
      const b = texts[j];
      const w = Math.min(a.x + a.w, b.x + b.w) - Math.max(a.x, b.x);
      const h = Math.min(a.y + a.h, b.y + b.h) - Math.max(a.y, b.y);
      if (w > tolerance && h > tolerance) out.push([a, b]);
    }
  }
  return out;
}

/** Texts that reach outside the SVG's own area (cut off when shown). */
export const cutOffTexts = (svg: SvgMeasure): TextBox[] => svg.texts.filter((t) => t.x < -0.5 || t.y < -0.5 || t.x + t.w > svg.width + 0.5 || t.y + t.h > svg.height + 0.5);

/** Texts that run out of the box drawn around them (a label wider than its chip or node). */
export const overflowingTexts = (svg: SvgMeasure, tolerance = 0.5): TextBox[] =>
  svg.texts.filter(
    (t) => t.box && (t.x < t.box.x - tolerance || t.x + t.w > t.box.x + t.box.w + tolerance || t.y < t.box.y - tolerance || t.y + t.h > t.box.y + t.box.h + tolerance),
  );
