// The report and both diagrams, rendered by headless Chromium at 1400 px as a reviewer opens them:
// nothing is wider than the window, the diagrams are shown at their own size (not shrunk into
// illegibility), no SVG label is cut off, and no two labels overlap (text boxes measured).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { chromiumAvailable, CHROMIUM, cutOffTexts, measurePage, overflowingTexts, overlappingTexts, type SvgMeasure } from '../scripts/lib/evidence/browser.js';
import { ROOT } from '../scripts/lib/paths.js';

const skip = chromiumAvailable() ? false : `Chromium not found at ${CHROMIUM}: install it with scripts/install-chromium.sh (Debian package chromium) to render the report`;
const file = (name: string): string => readFileSync(join(ROOT, 'generated', 'compliance', name), 'utf8');
const WIDTH = 1400;

function assertLegible(svg: SvgMeasure, what: string): void {
  assert.ok(svg.texts.length > 10, `${what}: has labels`);
  const cut = cutOffTexts(svg);
  assert.deepEqual(
    cut.map((t) => t.text),
    [],
    `${what}: labels cut off at the edge (${svg.width}×${svg.height})`,
  );
  assert.deepEqual(
    overflowingTexts(svg).map((t) => t.text),
    [],
    `${what}: labels that run out of their box`,
  );
  const overlaps = overlappingTexts(svg.texts).map(([a, b]) => `"${a.text}" × "${b.text}"`);
  assert.deepEqual(overlaps, [], `${what}: overlapping labels`);
}

test('the HTML report fits a 1400 px window and shows both diagrams whole, at their own size', { skip }, () => {
  const page = measurePage(file('report.html'), WIDTH);
  assert.ok(page.scrollWidth <= page.viewportWidth, `page is ${page.scrollWidth} px wide in a ${page.viewportWidth} px window`);
  assert.equal(page.svgs.length, 2, 'network and data-flow diagrams');
  for (const svg of page.svgs) {
    assert.ok(svg.right <= page.viewportWidth && svg.left >= 0, `${svg.label}: drawn from ${svg.left} to ${svg.right} px`);
    assert.ok(svg.renderedWidth >= svg.width - 0.5, `${svg.label}: ${svg.width} px wide, shrunk to ${svg.renderedWidth.toFixed(0)} px to fit`);
    assertLegible(svg, svg.label);
  }
});

for (const name of ['network.svg', 'data-flow.svg']) {
  test(`${name} on its own: no label cut off or overlapping, fits 1400 px`, { skip }, () => {
    const page = measurePage(file(name), WIDTH);
    const [svg] = page.svgs;
    assert.ok(svg.width <= WIDTH - 40, `${name} is ${svg.width} px wide`);
    assertLegible(svg, name);
  });
}

test('the measurement finds what it looks for (an SVG made to fail)', { skip }, () => {
  const bad =
    '<svg xmlns="http://www.w3.org/2000/svg" width="300" height="100" viewBox="0 0 300 100"><rect x="5" y="60" width="40" height="20"/><text x="8" y="74" font-size="12">too long for its box</text><text x="10" y="20" font-size="12">first label here</text><text x="20" y="24" font-size="12">second label</text><text x="250" y="60" font-size="12">cut off at the edge</text></svg>';
  const [svg] = measurePage(bad, WIDTH).svgs;
  assert.equal(overlappingTexts(svg.texts).length, 1, 'the two overlapping labels are found');
  assert.deepEqual(
    cutOffTexts(svg).map((t) => t.text),
    ['cut off at the edge'],
  );
  assert.deepEqual(
    overflowingTexts(svg).map((t) => t.text),
    ['too long for its box'],
  );
});
