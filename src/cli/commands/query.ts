import { Option, type Command } from 'commander';
import { FIELD_NAMES, fieldDef, isFieldName, type FieldName } from '../../catalog/fields.js';
import { appToday, dailyReport, defaultWindow, type DayRange, type DayReport } from '../../report/daily-report.js';
import { AppsRepo, type App } from '../../store/apps-repo.js';
import { StatsRepo } from '../../store/stats-repo.js';
import type { CliContext } from '../cli-io.js';
import { CliError } from '../cli-error.js';
import { databaseOption, withStore } from '../database-option.js';
import { toCsv } from '../format/csv.js';
import { textTable, textTableWidth } from '../format/text-table.js';
import { calendarDay, positiveInt } from '../parse-args.js';

export type QueryFormat = 'table' | 'json' | 'csv';

/** Width a table may take when the output is not a terminal. */
const DEFAULT_TABLE_WIDTH = 120;

interface Options {
  readonly sdkappid: number;
  readonly fields?: string;
  readonly from?: string;
  readonly to?: string;
  readonly format: QueryFormat;
  readonly db?: string;
}

/**
 * `imstats query`: the numbers getappinfo answers, from the same dailyReport. Default window: the
 * 30 complete days before today in the app's time zone; `--from/--to` any range up to today.
 * json = getappinfo's Result array; csv = a header row then one row per day; table = one row per
 * day, or one row per field (days as columns, in blocks) when that would be too wide.
 */
export function registerQuery(program: Command, ctx: CliContext): void {
  program
    .command('query')
    .description('print daily statistics of an app: the same numbers as getappinfo')
    .requiredOption('--sdkappid <n>', 'the SDKAppID', positiveInt)
    .option('--fields <list>', 'comma-separated field names (default: all 32; Date is always included)')
    .option('--from <YYYYMMDD>', 'first day, in the app time zone (with --to)', calendarDay)
    .option('--to <YYYYMMDD>', 'last day, up to today (with --from)', calendarDay)
    .addOption(new Option('--format <format>', 'output format').choices(['table', 'json', 'csv']).default('table'))
    .addOption(databaseOption())
    .action(async (o: Options) => {
      const fields = parseFields(o.fields);
      const { app, days, range } = await withStore(ctx, o.db, async (store) => {
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
