import { Option, type Command } from 'commander';
import { FIELD_NAMES, fieldDef, isFieldName, type FieldName } from '../../catalog/fields.js';
import { appToday, dailyReport, defaultWindow, type DayRange, type DayReport } from '../../report/daily-report.js';
import { AppsRepo, type App } from '../../store/apps-repo.js';
import { StatsRepo } from '../../store/stats-repo.js';
import type { CliContext } from '../cli-io.js';
import { CliError } from '../cli-error.js';
import { withStore } from '../database-option.js';
import { toCsv } from '../format/csv.js';
import { textTable, textTableWidth } from '../format/text-table.js';
import { calendarDay, positiveInt } from '../parse-args.js';
import { InvalidArgumentError } from 'commander';
import { ApiError } from '../../rest/error-codes.js';
import { checkedQuery } from '../../rest/routes/getstats.js';
import { parseGetStatsRequest, isHourLabel } from '../../rest/routes/getstats-request.js';
import { statsReport, type StatsRow } from '../../report/stats-report.js';
import { DEFAULT_RETENTION_DAYS } from '../../ingest/ingestor.js';

export type QueryFormat = 'table' | 'json' | 'csv';

/** Width a table may take when the output is not a terminal. */
const DEFAULT_TABLE_WIDTH = 120;

interface Options {
  readonly sdkappid: number;
  readonly fields?: string;
  readonly from?: string;
  readonly to?: string;
  readonly format: QueryFormat;
  readonly grain?: 'day' | 'hour';
  readonly by?: 'platform' | 'vendor';
}

/** `--from`/`--to`: a day, or with --grain hour an hour `YYYYMMDDHH`. */
function bucketArg(value: string): string {
  if (/^\d{10}$/.test(value)) {
    if (!isHourLabel(value)) throw new InvalidArgumentError(`expected an hour written YYYYMMDDHH, got ${JSON.stringify(value)}`);
    return value;
  }
  return calendarDay(value);
}

/**
 * `imstats query`: the numbers getappinfo answers, from the same dailyReport. Default window: the
 * 30 complete days before today in the app's time zone; `--from/--to` any range up to today.
 * json = getappinfo's Result array; csv = a header row then one row per day; table = one row per
 * day, or one row per field (days as columns, in blocks) when that would be too wide.
 * With `--grain` or `--by`: getstats' numbers from the same parser, checks and report as
 * `POST /v4/imstats/getstats` (json = its Result array; csv/table = one row per bucket × value).
 */
export function registerQuery(program: Command, ctx: CliContext): void {
  program
    .command('query')
    .description('print daily statistics of an app: the same numbers as getappinfo')
    .requiredOption('--sdkappid <n>', 'the SDKAppID', positiveInt)
    .option('--fields <list>', 'comma-separated field names (default: all 32; Date is always included; with --grain/--by every field getstats offers)')
    .option('--from <YYYYMMDD>', 'first day (YYYYMMDDHH with --grain hour), in the app time zone', bucketArg)
    .option('--to <YYYYMMDD>', 'last day (YYYYMMDDHH with --grain hour), up to now', bucketArg)
    .addOption(new Option('--grain <grain>', 'getstats buckets: days or hours').choices(['day', 'hour']))
    .addOption(new Option('--by <dimension>', 'getstats breakdown').choices(['platform', 'vendor']))
    .addOption(new Option('--format <format>', 'output format').choices(['table', 'json', 'csv']).default('table'))
    .action(async (o: Options) => {
      if (o.grain !== undefined || o.by !== undefined) return queryStats(ctx, o);
      if ((o.from?.length ?? 8) !== 8 || (o.to?.length ?? 8) !== 8) throw new CliError('--from/--to name hours only with --grain hour');
      const fields = parseFields(o.fields);
      const { app, days, range } = await withStore(ctx, async (store) => {
        const app = await new AppsRepo(store).require(o.sdkappid);
        const range = queryRange(app, o, ctx.now());
        return { app, range, days: await dailyReport(new StatsRepo(store), app, range) };
      });
      const shown = fields ?? FIELD_NAMES;
      switch (o.format) {
        case 'json':
          ctx.io.out(JSON.stringify(days.map((d) => pick(d, shown)), null, 2) + '\n');
          return;
        case 'csv': {
          const columns = dateFirst(shown);
          ctx.io.out(toCsv(columns, days.map((d) => columns.map((f) => d[f]))));
          return;
        }
        case 'table':
          ctx.io.out(`app ${app.sdkappid} "${app.name}" (${app.company}), ${range.from}–${range.to}, time zone ${app.timezone}\n`);
          if (days.length === 0) {
            ctx.io.out('no days in this range (before the app existed)\n');
            return;
          }
          // Name, id and company repeat on every row; shown only when asked for by name.
          ctx.io.out(renderTable(days, dateFirst(fields ?? shown.filter((f) => fieldDef(f).kind !== 'app')), ctx.io.columns ?? DEFAULT_TABLE_WIDTH));
      }
    });
}

/** Field names from `--fields`, sorted like the wire with Date added; undefined for all. */
export function parseFields(list: string | undefined): readonly FieldName[] | undefined {
  if (list === undefined) return undefined;
  const names = list.split(',').map((s) => s.trim()).filter(Boolean);
  if (names.length === 0) throw new CliError('--fields is empty; name at least one field, e.g. --fields ActiveUserNum,UpMsgNum');
  const wanted = new Set<FieldName>(['Date']);
  for (const name of names) {
    if (!isFieldName(name)) {
      const near = FIELD_NAMES.find((f) => f.toLowerCase() === name.toLowerCase());
      throw new CliError(`unknown field ${JSON.stringify(name)}${near ? ` (did you mean "${near}"?)` : ''}; fields are: ${FIELD_NAMES.join(', ')}`);
    }
    wanted.add(name);
  }
  return FIELD_NAMES.filter((f) => wanted.has(f));
}

function queryRange(app: App, o: Options, nowMs: number): DayRange {
  if (o.from === undefined && o.to === undefined) return defaultWindow(app, nowMs);
  if (o.from === undefined || o.to === undefined) throw new CliError('--from and --to must be given together');
  if (o.from > o.to) throw new CliError(`--from ${o.from} is after --to ${o.to}`);
  const today = appToday(app, nowMs);
  if (o.to > today) throw new CliError(`--to ${o.to} is after today (${today} in ${app.timezone})`);
  return { from: o.from, to: o.to };
}

// Keys in wire order, as getappinfo serializes them.
function pick(day: DayReport, fields: readonly FieldName[]): Partial<DayReport> {
  const out: Partial<DayReport> = {};
  for (const f of fields) out[f] = day[f];
  return out;
}

function dateFirst(fields: readonly FieldName[]): FieldName[] {
  return ['Date', ...fields.filter((f) => f !== 'Date')];
}

function renderTable(days: readonly DayReport[], columns: readonly FieldName[], maxWidth: number): string {
  const numeric = new Set(columns.flatMap((f, i) => (fieldDef(f).kind === 'key' || (fieldDef(f).kind === 'app' && f !== 'AppId') ? [] : [i])));
  const rows = days.map((d) => columns.map((f) => d[f]));
  if (textTableWidth(columns, rows) <= maxWidth) return textTable(columns, rows, { alignRight: numeric });
  // Too wide: one row per field, days as columns, split into blocks of days that fit.
  const fields = columns.filter((f) => f !== 'Date');
  const nameWidth = Math.max(...fields.map((f) => f.length), 'FIELD'.length);
  const blocks: string[] = [];
  let start = 0;
  while (start < days.length) {
    let end = start + 1;
    while (end < days.length && textTableWidth(['FIELD', ...days.slice(start, end + 1).map((d) => d.Date)], fields.map((f) => [f, ...days.slice(start, end + 1).map((d) => d[f])])) <= Math.max(maxWidth, nameWidth + 12)) {
      end++;
    }
    const block = days.slice(start, end);
    const right = new Set(block.map((_, i) => i + 1));
    blocks.push(textTable(['FIELD', ...block.map((d) => d.Date)], fields.map((f) => [f, ...block.map((d) => d[f])]), { alignRight: right }));
    start = end;
  }
  return blocks.join('\n');
}

/** `imstats query --grain/--by`: getstats' rows, computed exactly as the route computes them. */
async function queryStats(ctx: CliContext, o: Options): Promise<void> {
  const body = {
    Grain: o.grain ?? 'day',
    ...(o.from !== undefined ? { Start: o.from } : {}),
    ...(o.to !== undefined ? { End: o.to } : {}),
    ...(o.by !== undefined ? { By: o.by } : {}),
    ...(o.fields !== undefined ? { Fields: o.fields.split(',').map((f) => f.trim()).filter(Boolean) } : {}),
  };
  const { app, rows } = await withStore(ctx, async (store) => {
    const app = await new AppsRepo(store).require(o.sdkappid);
    const nowMs = ctx.now();
    try {
      const query = checkedQuery(parseGetStatsRequest(Buffer.from(JSON.stringify(body))), app, nowMs, DEFAULT_RETENTION_DAYS);
      return { app, rows: (await statsReport(new StatsRepo(store), app, query, nowMs)).rows };
    } catch (err) {
      // The API's 130001 text names the problem in terms of the body; say it in terms of flags.
      if (err instanceof ApiError) throw new CliError(err.message.replace(/^[^:]*: /, '').replace(/\bStart\b/g, '--from').replace(/\bEnd\b/g, '--to').replace(/\bFields\b/g, '--fields'));
      throw err;
    }
  });
  if (o.format === 'json') {
    ctx.io.out(JSON.stringify(rows, null, 2) + '\n');
    return;
  }
  const columns = rows.length ? statsColumns(rows[0]!) : ['Bucket'];
  const cells = rows.map((r: StatsRow) => columns.map((c) => r[c]!));
  if (o.format === 'csv') {
    ctx.io.out(toCsv(columns, cells));
    return;
  }
  ctx.io.out(`app ${app.sdkappid} "${app.name}", ${o.grain ?? 'day'}s${o.by ? ` by ${o.by}` : ''}, time zone ${app.timezone}\n`);
  const right = new Set(columns.flatMap((c, i) => (c === 'Bucket' || c === 'Platform' || c === 'Vendor' ? [] : [i])));
  ctx.io.out(textTable(columns, cells, { alignRight: right }));
}

/** Bucket, the dimension and Final first, then the fields in wire order. */
function statsColumns(row: StatsRow): string[] {
  const lead = ['Bucket', 'Platform', 'Vendor', 'Final'].filter((k) => k in row);
  return [...lead, ...Object.keys(row).filter((k) => !lead.includes(k))];
}
