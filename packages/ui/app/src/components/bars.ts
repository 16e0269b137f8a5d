/**
 * Bars for uPlot, painted one `fillRect` each. uPlot's own bar paths put every
 * bar of a series in one Path2D; Chromium's software rasterizer (a machine
 * without a GPU, or headless) fills such a path of unaligned rectangles slowly:
 * a year of days in four stacked statuses took 110–180 ms per chart, against
 * 10–20 ms this way — most of the overview's first render.
 */
import type uPlot from 'uplot';

/** How wide a bar is: a share of its category's width, and at most this many CSS pixels. */
const SHARE = 0.85;
const MAX_WIDTH = 48;
/** Categories narrower than this (device pixels) keep fractional edges: snapped ones would leave uneven gaps. */
const SNAP_FROM = 6;

/** A series' paths that draw nothing: {@link barPainter} paints it after uPlot's own drawing of it. */
export const noPaths: uPlot.Series.PathBuilder = () => ({
  stroke: null,
  fill: null,
  clip: null,
  band: null,
  gaps: undefined,
  flags: 0,
});

/**
 * A `drawSeries` hook that paints series `i` (1-based, as uPlot counts) as
 * bars from zero to each value, in `fills[i - 1]`, on either orientation: the
 * `x` scale holds the categories (0, 1, 2…), the `y` scale the values.
 */
export function barPainter(fills: readonly string[]): (u: uPlot, seriesIdx: number) => void {
  return (u, seriesIdx) => {
    const values = u.data[seriesIdx];
    const fill = fills[seriesIdx - 1];
    if (!values || fill === undefined) return;
    const { ctx } = u;
    const across = u.scales.x!.ori === 1; // categories down the side, bars left to right
    const step = Math.abs(u.valToPos(1, 'x', true) - u.valToPos(0, 'x', true));
    const snap = step >= SNAP_FROM ? Math.round : (v: number) => v;
    const thick = Math.max(1, snap(Math.min(step * SHARE, MAX_WIDTH * devicePixelRatio)));
    const base = u.valToPos(0, 'y', true);
    ctx.save();
    // Within the plot, as uPlot's own paths are: a value below the scale's zero
    // (a negative cost) does not paint over the axis.
    const { left, top, width, height } = u.bbox;
    ctx.beginPath();
    ctx.rect(left, top, width, height);
    ctx.clip();
    ctx.fillStyle = fill;
    for (let i = 0; i < values.length; i++) {
      const value = values[i];
      if (value === null || value === undefined || value === 0) continue;
      const start = snap(u.valToPos(i, 'x', true) - thick / 2);
      const end = snap(u.valToPos(value, 'y', true));
      const from = Math.min(end, snap(base));
      const length = Math.abs(snap(base) - end);
      if (across) ctx.fillRect(from, start, length, thick);
      else ctx.fillRect(start, from, thick, length);
    }
    ctx.restore();
  };
}
