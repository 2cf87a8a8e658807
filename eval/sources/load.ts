/**
 * Loading the multi-source evaluation data: hourly PM2.5 by monitor for five Chinese cities,
 * and daily BTC/USD by exchange. Each becomes a Series: one time axis and one column of
 * values per source (NaN where the source has nothing).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

export interface Series {
  name: string;
  /** `train` series may be used to tune; `heldout` ones are only reported. */
  part: 'train' | 'heldout';
  /** Time of each step (ms epoch, UTC). */
  times: number[];
  /** Source ids, in column order. */
  sources: string[];
  /** values[s][t]: source s at step t; NaN when missing. */
  values: Float64Array[];
  /** Sources left out of the clean consensus because they copy another one (known from the data's README). */
  duplicates: string[];
  /** Step length (ms). */
  stepMs: number;
}

export const PM_CITIES = [
  { city: 'Beijing', part: 'train' },
  { city: 'Shanghai', part: 'train' },
  { city: 'Guangzhou', part: 'heldout' },
  { city: 'Chengdu', part: 'heldout' },
  { city: 'Shenyang', part: 'heldout' },
] as const;

export const PM_FOLDER = 'pm25-five-chinese-cities';
export const BTC_FOLDER = 'btc-usd-daily-by-exchange';
export const BTC_FILE = 'bitcoinity_btcusd_daily_2012-12-23_2017-12-22.csv';
const HOUR_MS = 3_600_000;
/** The dataset gives China Standard Time (UTC+8). */
const CST_OFFSET_MS = 8 * HOUR_MS;

/** Parses one city's CSV text (the UCI "PM2.5 Data of Five Chinese Cities" layout). */
export function parsePmCsv(name: string, part: Series['part'], text: string): Series {
  const lines = text.split('\n').filter((line) => line.length > 0);
  const header = lines[0].split(',');
  const columns = header.map((column, index) => ({ column, index })).filter(({ column }) => column.startsWith('PM_'));
  const at = (field: string) => header.indexOf(field);
  const [year, month, day, hour] = [at('year'), at('month'), at('day'), at('hour')];
  const times: number[] = [];
  const values = columns.map(() => [] as number[]);
  for (let i = 1; i < lines.length; i++) {
    const fields = lines[i].split(',');
    times.push(Date.UTC(Number(fields[year]), Number(fields[month]) - 1, Number(fields[day]), Number(fields[hour])) - CST_OFFSET_MS);
    columns.forEach(({ index }, c) => values[c].push(number(fields[index])));
  }
  const sources = columns.map(({ column }) => column.slice(3));
  // The data's README: in Guangzhou, City Station is identical to US Post wherever both exist.
  const duplicates = sources.includes('City Station') && sources.includes('US Post') ? ['City Station'] : [];
  return trim({ name, part, times, sources, values: values.map((column) => Float64Array.from(column)), duplicates, stepMs: HOUR_MS });
}

/** Parses the bitcoinity export: `Time` then one price column per exchange; `others` (an aggregate) is dropped. */
export function parseBtcCsv(name: string, text: string): Series {
  const lines = text.split('\n').filter((line) => line.length > 0);
  const header = lines[0].split(',');
  const columns = header.map((column, index) => ({ column, index })).filter(({ column }) => column !== 'Time' && column !== 'others');
  const times: number[] = [];
  const values = columns.map(() => [] as number[]);
  for (let i = 1; i < lines.length; i++) {
    const fields = lines[i].split(',');
    times.push(Date.parse(fields[0].replace(' UTC', 'Z').replace(' ', 'T')));
    columns.forEach(({ index }, c) => values[c].push(number(fields[index])));
  }
  return trim({ name, part: 'heldout', times, sources: columns.map(({ column }) => column), values: values.map((column) => Float64Array.from(column)), duplicates: [], stepMs: 24 * HOUR_MS });
}

function number(field: string | undefined): number {
  if (field === undefined || field === '' || field === 'NA') return Number.NaN;
  const value = Number(field);
  return Number.isFinite(value) ? value : Number.NaN;
}

/** Drops the leading steps before two independent sources first report together (years of one monitor say nothing about fusion). */
function trim(series: Series): Series {
  const independent = series.sources.map((source, s) => (series.duplicates.includes(source) ? -1 : s)).filter((s) => s >= 0);
  let start = 0;
  while (start < series.times.length && independent.filter((s) => !Number.isNaN(series.values[s][start])).length < 2) start++;
  return { ...series, times: series.times.slice(start), values: series.values.map((column) => column.slice(start)) };
}

export function loadAll(root: string): Series[] {
  const series: Series[] = PM_CITIES.map(({ city, part }) => parsePmCsv(`PM2.5 ${city}`, part, readFileSync(join(root, PM_FOLDER, `${city}PM20100101_20151231.csv`), 'utf8')));
  series.push(parseBtcCsv('BTC/USD', readFileSync(join(root, BTC_FOLDER, BTC_FILE), 'utf8')));
  return series;
}
