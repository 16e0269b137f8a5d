/**
 * The overview's bars as drawn, in headless Chromium over the shared 110-run
 * fixture: the canvas is read back pixel by pixel and each category's bar
 * measured, then held against plain better-sqlite3 counts of the file — a bar
 * twice another's number is twice as long, a day without runs has none.
 */
import { describe, expect, it } from 'vitest';
import { useDashboard } from './dashboard.js';

const d = useDashboard();

/**
 * Runs in the page: for the chart captioned `title`, the length in canvas
 * pixels of the bar (all its stacked parts) across each of `n` categories'
 * middles: along the plot's height for upright bars, its width for sideways
 * ones (categories top to bottom). A pixel is a bar's when it has one of the
 * chart's series colors (its legend's, or `color` for a chart of one series),
 * so grid lines and axes do not count.
 */
const MEASURE = (title: string, n: number, sideways: boolean, color: string) => `(() => {
  const figure = document.querySelector('figure[aria-label="${title}"]');
  const canvas = figure.querySelector('canvas');
  const over = figure.querySelector('.u-over');
  const ratio = canvas.width / canvas.getBoundingClientRect().width;
  const box = [over.style.left, over.style.top, over.style.width, over.style.height]
    .map((v) => parseFloat(v) * ratio);
  const [left, top, width, height] = box;
  const swatch = document.createElement('canvas').getContext('2d');
  const colors = new Set([...figure.querySelectorAll('.legend .swatch')].map((s) => getComputedStyle(s).backgroundColor));
  if (colors.size === 0) colors.add(getComputedStyle(document.documentElement).getPropertyValue('${color}').trim());
  const rgb = [...colors].map((c) => { swatch.fillStyle = c; swatch.fillRect(0, 0, 1, 1); return [...swatch.getImageData(0, 0, 1, 1).data.slice(0, 3)].join(); });
  const pixels = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;
  const isBar = (x, y) => { const at = (Math.round(y) * canvas.width + Math.round(x)) * 4; return rgb.includes([pixels[at], pixels[at + 1], pixels[at + 2]].join()); };
  const lengths = [];
  for (let i = 0; i < ${n}; i++) {
    let painted = 0;
    if (${sideways}) { const y = top + (i + 0.5) * height / ${n}; for (let x = left; x < left + width; x++) painted += isBar(x, y); }
    else { const x = left + (i + 0.5) * width / ${n}; for (let y = top; y < top + height; y++) painted += isBar(x, y); }
    lengths.push(painted);
  }
  return { lengths, room: ${sideways} ? width : height };
})()`;

async function measure(title: string, n: number, sideways = false, color = '--accent') {
  await d.page.locator(`figure[aria-label="${title}"] canvas`).first().waitFor();
  return (await d.page.evaluate(MEASURE(title, n, sideways, color))) as {
    lengths: number[];
    room: number;
  };
}

/** Each length against `lengths[longest] * value / max`, within two pixels (edges are anti-aliased). */
function expectProportional(lengths: number[], values: number[]): void {
  const max = Math.max(...values);
  const longest = lengths[values.indexOf(max)]!;
  expect(lengths.map((l, i) => Math.abs(l - (longest * values[i]!) / max) <= 2)).toEqual(
    values.map(() => true),
  );
}

describe("the overview's bars", () => {
  it('stand as tall as each day’s runs, stacked by status; a day without runs has none', async () => {
    await d.page.goto(`${d.server.url}/overview`);
    const perDay = d.plain<{ day: string; n: number }>(
      'SELECT substr(started_at, 1, 10) AS day, count(*) AS n FROM runs GROUP BY 1 ORDER BY 1',
    );
    const byDay = new Map(perDay.map((r) => [r.day, r.n]));
    const days: number[] = [];
    for (let t = Date.parse(perDay[0]!.day); t <= Date.parse(perDay.at(-1)!.day); t += 86_400_000) {
      days.push(byDay.get(new Date(t).toISOString().slice(0, 10)) ?? 0);
    }
    const { lengths, room } = await measure('Runs per day by status', days.length);
    expectProportional(lengths, days);
    // The busiest day nearly fills the plot (5% headroom above it).
    expect(lengths[days.indexOf(Math.max(...days))]).toBeGreaterThan(room * 0.9);
    expect(lengths.filter((_, i) => days[i] === 0)).toEqual(days.filter((n) => n === 0));
    expect(d.consoleErrors).toEqual([]);
  });

  it('reach as far as each template’s cost, the costliest on top', async () => {
    await d.page.goto(`${d.server.url}/overview`);
    const costs = d
      .plain<{ cost: number }>(
        'SELECT sum(coalesce(cost_usd, 0)) AS cost FROM runs GROUP BY template_id ORDER BY 1 DESC LIMIT 10',
      )
      .map((r) => r.cost);
    const { lengths } = await measure(
      `The ${costs.length} costliest templates (USD)`,
      costs.length,
      true,
      '--warn',
    );
    expectProportional(lengths, costs);
    expect(lengths[0]).toBeGreaterThan(0);
    expect(d.consoleErrors).toEqual([]);
  });
});
