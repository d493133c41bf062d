// Minimal, deterministic SVG building blocks (no random IDs, no clock): boxes, labels, arrows.

export const escapeXml = (text: string): string => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/** Rough text width for the 11px sans-serif the diagrams use. */
export const textWidth = (text: string, size = 11, bold = false): number => Math.ceil(text.length * size * (bold ? 0.64 : 0.58));

export interface Box {
  readonly x: number;
  readonly y: number;
  readonly w: number;
  readonly h: number;
}

const center = (b: Box): { x: number; y: number } => ({ x: b.x + b.w / 2, y: b.y + b.h / 2 });

const n = (v: number): string => (Number.isInteger(v) ? String(v) : v.toFixed(1));

export function rect(b: Box, fill: string, stroke: string, options: { rx?: number; dash?: boolean; title?: string } = {}): string {
  const title = options.title ? `<title>${escapeXml(options.title)}</title>` : '';
  return `<rect x="${n(b.x)}" y="${n(b.y)}" width="${n(b.w)}" height="${n(b.h)}" rx="${options.rx ?? 6}" fill="${fill}" stroke="${stroke}"${options.dash ? ' stroke-dasharray="5 3"' : ''}>${title}</rect>`;
}

export function label(x: number, y: number, text: string, options: { size?: number; weight?: string; anchor?: 'start' | 'middle' | 'end'; fill?: string } = {}): string {
  return `<text x="${n(x)}" y="${n(y)}" font-size="${options.size ?? 11}"${options.weight ? ` font-weight="${options.weight}"` : ''} text-anchor="${options.anchor ?? 'start'}" fill="${options.fill ?? '#1d2733'}">${escapeXml(text)}</text>`;
}

/** A straight arrow from the edge of one box to the edge of another, with an optional label. */
export function arrow(from: Box, to: Box, text?: string, options: { color?: string; dash?: boolean } = {}): string {
  const a = center(from);
  const b = center(to);
  const clip = (box: Box, p: { x: number; y: number }, q: { x: number; y: number }): { x: number; y: number } => {
    const dx = q.x - p.x;
    const dy = q.y - p.y;
    const sx = dx === 0 ? Infinity : box.w / 2 / Math.abs(dx);
    const sy = dy === 0 ? Infinity : box.h / 2 / Math.abs(dy);
    const s = Math.min(sx, sy, 1);
    return { x: p.x + dx * s, y: p.y + dy * s };
  };
  const start = clip(from, a, b);
  const end = clip(to, b, a);
  const color = options.color ?? '#4a5a6a';
  const line = `<line x1="${n(start.x)}" y1="${n(start.y)}" x2="${n(end.x)}" y2="${n(end.y)}" stroke="${color}" stroke-width="1.5"${options.dash ? ' stroke-dasharray="4 3"' : ''} marker-end="url(#arrowhead)"/>`;
  if (!text) return line;
  const mx = (start.x + end.x) / 2;
  const my = (start.y + end.y) / 2;
  const w = textWidth(text, 10) + 8;
  return `${line}<rect x="${n(mx - w / 2)}" y="${n(my - 8)}" width="${n(w)}" height="14" rx="3" fill="#ffffff" fill-opacity="0.9"/>${label(mx, my + 3, text, { size: 10, anchor: 'middle', fill: color })}`;
}

/** The whole document; `id` prefixes the arrowhead marker so several SVGs can share one HTML page. */
export function svgDocument(id: string, width: number, height: number, title: string, body: string[]): string {
  const marker = `${id}-arrowhead`;
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="Helvetica, Arial, sans-serif" role="img" aria-label="${escapeXml(title)}">`,
    `<title>${escapeXml(title)}</title>`,
    `<defs><marker id="${marker}" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" fill="#4a5a6a"/></marker></defs>`,
    `<rect x="0" y="0" width="${width}" height="${height}" fill="#ffffff"/>`,
    ...body.map((line) => line.replaceAll('url(#arrowhead)', `url(#${marker})`)),
    '</svg>',
    '',
  ].join('\n');
}

/**
 * An orthogonal arrow: out of `from` sideways to the vertical lane at `laneX`, along it, and into
 * `to` from the lane's side. `tag` is drawn as a small numbered badge on the lane; `text` beside
 * the arrow's end.
 */
export function elbowArrow(from: Box, to: Box, laneX: number, options: { tag?: string; text?: string; dash?: boolean; color?: string; radius?: number } = {}): string {
  const fromRight = laneX >= from.x + from.w;
  const toLeft = laneX <= to.x;
  const y1 = from.y + from.h / 2;
  const y2 = to.y + to.h / 2;
  const x1 = fromRight ? from.x + from.w : from.x;
  const x2 = toLeft ? to.x : to.x + to.w;
  const color = options.color ?? '#4a5a6a';
  const out = [
    `<path d="M${n(x1)},${n(y1)} H${n(laneX)} V${n(y2)} H${n(x2)}" fill="none" stroke="${color}" stroke-width="1.5"${options.dash ? ' stroke-dasharray="4 3"' : ''} marker-end="url(#arrowhead)"/>`,
  ];
  if (options.tag) {
    const ty = y1 === y2 ? y1 : (y1 + y2) / 2;
    const r = options.radius ?? 8;
    out.push(
      `<circle cx="${n(laneX)}" cy="${n(ty)}" r="${r}" fill="#ffffff" stroke="${color}"/>`,
      label(laneX, ty + r * 0.4, options.tag, { size: r + 1, anchor: 'middle', fill: color }),
    );
  }
  if (options.text) out.push(label(toLeft ? x2 - 6 : x2 + 6, y2 - 5, options.text, { size: 10, anchor: toLeft ? 'end' : 'start', fill: color }));
  return out.join('');
}

/** Splits text into lines no wider than `maxWidth` at `size` (at spaces; a longer word stays whole). */
export function wrapText(text: string, maxWidth: number, size = 11, bold = false): string[] {
  const lines: string[] = [];
  let line = '';
  // A word wider than the line breaks after its hyphens (policy names, ARNs).
  const words = text.split(' ').flatMap((w) => (textWidth(w, size, bold) > maxWidth ? w.split(/(?<=-)/) : [w]));
  for (const word of words) {
    const next = line ? (line.endsWith('-') ? `${line}${word}` : `${line} ${word}`) : word;
    if (line && textWidth(next, size, bold) > maxWidth) {
      lines.push(line);
      line = word;
    } else line = next;
  }
  if (line) lines.push(line);
  return lines;
}
