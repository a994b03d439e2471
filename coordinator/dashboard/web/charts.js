// One ECharts chart as a preact component, rendered as SVG (crisp in screenshots, text in the DOM).
// The instance is kept on the element (el.__chart) so tests and people can inspect what is drawn.
import { html } from 'htm/preact';
import { useEffect, useRef } from 'preact/hooks';
import * as echarts from 'echarts';

export function Chart({ option, height = 360, name }) {
  const el = useRef(null);
  const chart = useRef(null);
  useEffect(() => {
    chart.current = echarts.init(el.current, null, { renderer: 'svg' });
    el.current.__chart = chart.current;
    const ro = new ResizeObserver(() => chart.current?.resize());
    ro.observe(el.current);
    return () => { ro.disconnect(); chart.current?.dispose(); chart.current = null; };
  }, []);
  useEffect(() => {
    if (chart.current && option) chart.current.setOption(option, { notMerge: true, lazyUpdate: false });
  }, [option]);
  return html`<div class="chart" data-chart=${name} ref=${el} style=${`height:${height}px`}></div>`;
}

/** Colour scale shared by the heatmaps (light = low, dark blue = high). */
export const HEAT = ['#f7fbff', '#c6dbef', '#6baed6', '#2171b5', '#08306b'];
