/**
 * `npm run eval:batch [-- --json]`: replay a day of interactive traffic on one deployment with
 * 500k batch lines due within 24 hours, and compare no batch, the forecast-driven scheduler,
 * and running flat-out: interactive p99, when the batch finished, how much of it ran in the
 * troughs, and how well the forecast predicted the day.
 */
import { parseArgs } from 'node:util';
import { DEFAULT_REPLAY, replayDay, type ModeOutcome } from './replay';

const { values } = parseArgs({ options: { json: { type: 'boolean', default: false }, seed: { type: 'string' } } });
const outcome = replayDay({ ...DEFAULT_REPLAY, ...(values.seed === undefined ? {} : { seed: Number(values.seed) }) });

if (values.json) {
  console.log(JSON.stringify(outcome, null, 2));
} else {
  const clock = (minute: number | null) => (minute === null ? 'not finished' : `${String(Math.floor(minute / 60)).padStart(2, '0')}:${String(minute % 60).padStart(2, '0')}`);
  const row = (mode: ModeOutcome) =>
    `| ${mode.mode} | ${Math.round(mode.p99Ms)} ms | ${mode.p99Ms <= outcome.options.p99TargetMs ? 'yes' : 'no'} | ${mode.linesRun.toLocaleString('en-US')} | ${mode.mode === 'none' ? '–' : clock(mode.finishedAtMinute)} | ${mode.mode === 'none' ? '–' : `${Math.round(mode.troughShare * 100)}%`} |`;
  const { options, interactive, forecast } = outcome;
  console.log(`Deployment: ${options.capacityRpm} rpm (M/M/1); interactive p99 target ${options.p99TargetMs} ms → scheduler capacity ${Math.round(outcome.schedulerCapacityRpm)} rpm, margin ${options.margin * 100}%`);
  console.log(`Replayed day: ${interactive.requests.toLocaleString('en-US')} interactive requests, ${interactive.troughRpm}–${interactive.peakRpm} rpm; ${options.batchLines.toLocaleString('en-US')} batch lines due within ${options.windowMs / 3_600_000} h`);
  console.log(`Forecast (Holt-Winters, ${options.historyDays} days of history, ${options.bucketMs / 60_000}-minute buckets): MAPE ${forecast.mape.toFixed(2)}%, WAPE ${forecast.wape.toFixed(2)}% over ${forecast.buckets} buckets\n`);
  console.log('| batch | interactive p99 | under target | lines run | finished | in troughs |');
  console.log('|---|---|---|---|---|---|');
  for (const mode of outcome.modes) console.log(row(mode));
  // Hour by hour: batch work (scheduled) rises where interactive load falls.
  console.log('\n| hour | interactive rpm (actual / forecast) | scheduled batch rpm |');
  console.log('|---|---|---|');
  const perHour = outcome.profile.length / 24;
  for (let hour = 0; hour < 24; hour += 1) {
    const buckets = outcome.profile.slice(hour * perHour, (hour + 1) * perHour);
    const rpm = (pick: (bucket: (typeof buckets)[number]) => number) => Math.round(buckets.reduce((sum, bucket) => sum + pick(bucket), 0) / 60);
    console.log(`| ${String(hour).padStart(2, '0')}:00 | ${rpm((bucket) => bucket.interactive)} / ${rpm((bucket) => bucket.predicted)} | ${rpm((bucket) => bucket.batch)} |`);
  }
}
