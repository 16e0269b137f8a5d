/** The category axis of the dashboard's bar charts (`BarChart.vue`). */

/**
 * The steps between labelled categories on a chart's category axis, smallest
 * first: every category, every 2nd, 5th, a week, a fortnight… of days, then
 * years, decades and centuries of days, so a range of any length keeps some
 * labels (uPlot shows none when no step leaves room between them).
 */
export const CATEGORY_STEPS = [
  1, 2, 5, 7, 10, 14, 20, 30, 50, 91, 100, 182, 365, 730, 1826, 3652, 7305, 18262, 36524, 73048,
  182621, 365242,
];
